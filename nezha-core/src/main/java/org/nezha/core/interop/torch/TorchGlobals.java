package org.nezha.core.interop.torch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.nezha.core.InputException;

/**
 * The GLOBALs a state-dict pickle may name, mirroring what torch's {@code weights_only} unpickler
 * allows for plain tensors: {@code collections.OrderedDict}, the tensor and parameter rebuild
 * functions, the typed storage classes, dtypes, {@code builtins.set} and {@code _codecs.encode}
 * (protocol 2's way of writing bytes). Anything else is refused before it could be called; the allowed callables are
 * reimplemented here, so nothing from the file ever runs.
 */
final class TorchGlobals {
    /** A resolved, allowed GLOBAL. */
    record Global(String module, String name) {
        String qualified() {
            return module + "." + name;
        }
    }

    private static final Set<String> CALLABLES = Set.of("collections.OrderedDict", "torch._utils._rebuild_tensor_v2",
            "torch._utils._rebuild_tensor", "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
            "_codecs.encode", "builtins.set");
    private static final Set<String> DTYPES = Set.of("float64", "double", "float32", "float", "float16", "half", "bfloat16",
            "int64", "long", "int32", "int", "int16", "short", "int8", "uint8", "bool");

    private final Path file;

    TorchGlobals(Path file) {
        this.file = file;
    }

    Object resolve(String module, String name) {
        Global g = new Global(module, name);
        if (CALLABLES.contains(g.qualified())) return g;
        if (module.equals("torch") && name.endsWith("Storage")) {
            StorageType type = StorageType.named(name);
            if (type == null) throw InputException.in(file, "unknown storage type torch." + name);
            return type;
        }
        if (module.equals("torch") && DTYPES.contains(name)) return g;
        throw new InputException("refusing to load " + file + ": it references " + g.qualified());
    }

    Object call(Object callable, List<?> args) {
        if (!(callable instanceof Global g) || !CALLABLES.contains(g.qualified())) {
            throw InputException.in(file, "pickle calls " + describe(callable) + ", which builds no state-dict value");
        }
        return switch (g.qualified()) {
            case "collections.OrderedDict" -> new LinkedHashMap<>(args.isEmpty() ? Map.of() : (Map<?, ?>) args.get(0));
            case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" -> rebuildTensor(args, g.name());
            case "_codecs.encode" -> ((String) args.get(0)).getBytes(StandardCharsets.ISO_8859_1);
            case "builtins.set" -> new LinkedHashSet<>(args.isEmpty() ? List.of() : (Collection<?>) args.get(0));
            default -> tensorArgument(args.get(0), g.name()); // a Parameter is its data here
        };
    }

    /** (storage, storage_offset, size, stride[, requires_grad, backward_hooks[, metadata]]). */
    private TensorRef rebuildTensor(List<?> args, String function) {
        if (args.size() < 4 || !(args.get(0) instanceof StorageRef storage)) {
            throw InputException.in(file, function + " is called without a storage");
        }
        return new TensorRef(storage, (Long) args.get(1), longs(args.get(2)), longs(args.get(3)));
    }

    private TensorRef tensorArgument(Object value, String function) {
        if (value instanceof TensorRef t) return t;
        throw InputException.in(file, function + " is called without a tensor");
    }

    private static long[] longs(Object tuple) {
        List<?> items = (List<?>) tuple;
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) out[i] = (Long) items.get(i);
        return out;
    }

    private static String describe(Object o) {
        return o instanceof Global g ? g.qualified() : o instanceof StorageType t ? "torch." + t.name() : "a non-callable value";
    }
}
