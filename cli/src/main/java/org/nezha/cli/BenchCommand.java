package org.nezha.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code nezha bench}: the benchmark commands. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks, reported as ratios against a reference measured in the same run.",
        subcommands = {AttentionBenchCommand.class, TrainBenchCommand.class, DataBenchCommand.class, IndexBenchCommand.class, CommandLine.HelpCommand.class})
final class BenchCommand {}
