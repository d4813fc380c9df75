package org.nezha.core.pipeline;

/** A logged training loss (the mean over the updates of its log window) and the step of that log. */
public record LoggedLoss(long step, double loss) {}
