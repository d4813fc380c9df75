package org.nezha.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code nezha <command>}: the entry point; every command's bad input ends in one line and a non-zero
 * exit ({@link Failures}).
 */
@Command(name = "nezha", mixinStandardHelpOptions = true, versionProvider = NezhaCli.Version.class,
        description = "NEZHA (and BERT, ALBERT) pretraining, fine-tuning, evaluation and prediction on libtorch.",
        subcommands = {QuickstartCommand.class, VocabCommand.class, PrepareCommand.class, PretrainCommand.class,
                FinetuneCommand.class, CvCommand.class, EvalCommand.class, PredictCommand.class, EnsembleCommand.class, EmbedCommand.class, IndexCommand.class,
                SearchCommand.class, RerankCommand.class, RetrievalSetCommand.class, ConvertCommand.class, InspectCommand.class,
                BenchCommand.class, LaunchCommand.class,
                CommandLine.HelpCommand.class})
public final class NezhaCli {
    /** Exit code for bad input (files, options); picocli also uses 2 for unknown options. */
    public static final int EXIT_BAD_INPUT = 2;
    /**
     * Lucene's notes (which SIMD it found) are for its developers, not for our users' terminals; held here
     * because java.util.logging keeps loggers only weakly, which would drop the level.
     */
    private static final Logger LUCENE = Logger.getLogger("org.apache.lucene");

    public static void main(String[] args) {
        LUCENE.setLevel(Level.WARNING);
        int code = run(args, new PrintWriter(System.out, true), Terminal.stderr());
        System.exit(code);
    }

    /** Runs one command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new NezhaCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionStrategy(parseResult -> {
            rejectUnknownCommand(parseResult); // picocli would let `nezha typo --help` print the top-level help
            return new CommandLine.RunLast().execute(parseResult);
        });
        cli.setParameterExceptionHandler((e, commandArgs) -> {
            CommandLine where = e.getCommandLine();
            String unknown = e instanceof UnmatchedArgumentException u ? unknownCommand(where, u.getUnmatched()) : null;
            if (e.getMessage().startsWith("Missing required subcommand")) {
                err.println("nezha: error: '" + commandPath(where) + "' needs a command");
                err.print(where.getUsageMessage());
            } else if (unknown != null) {
                err.println("nezha: error: " + unknown);
            } else {
                err.println("nezha: error: " + e.getMessage() + " (see '" + commandPath(where) + " --help')");
            }
            err.flush();
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> Failures.report(e, err));
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) { // picocli hands on Exceptions only
            return Failures.report(e, err);
        }
    }

    /** Unmatched words are errors even when --help was asked for too. */
    private static void rejectUnknownCommand(ParseResult parseResult) {
        ParseResult deepest = parseResult;
        while (deepest.subcommand() != null) deepest = deepest.subcommand();
        if (!deepest.unmatched().isEmpty()) {
            throw new UnmatchedArgumentException(deepest.commandSpec().commandLine(), deepest.unmatched());
        }
    }

    /** "unknown command 'X'; the commands are: …" when a word stands where a subcommand should, else null. */
    private static String unknownCommand(CommandLine command, List<String> unmatched) {
        if (command.getSubcommands().isEmpty() || unmatched.isEmpty() || unmatched.getFirst().startsWith("-")) return null;
        return "unknown command '" + unmatched.getFirst() + "'; the commands are: "
                + String.join(", ", command.getSubcommands().keySet()) + " (see '" + commandPath(command) + " --help')";
    }

    /** "nezha bench", the way a user types it. */
    private static String commandPath(CommandLine commandLine) {
        return commandLine.getCommandSpec().qualifiedName(" ");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NezhaCli.class.getPackage().getImplementationVersion();
            return new String[] {"nezha " + (v == null ? "dev" : v)};
        }
    }
}
