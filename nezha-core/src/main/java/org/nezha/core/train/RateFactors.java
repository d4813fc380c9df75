package org.nezha.core.train;

import java.util.Map;

/**
 * Each parameter's factor on the scheduled learning rate, as the {@code lr} of torch's parameter
 * groups relative to the base rate (a LambdaLR schedule scales every group alike): layer-wise decay
 * and a task head's own rate. A parameter not named has factor 1.
 */
public record RateFactors(Map<String, Double> factors) {
    public static final RateFactors NONE = new RateFactors(Map.of());

    public RateFactors {
        factors = Map.copyOf(factors);
    }

    public double of(String name) {
        return factors.getOrDefault(name, 1.0);
    }
}
