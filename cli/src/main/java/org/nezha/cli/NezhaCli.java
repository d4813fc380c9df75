package org.nezha.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import org.nezha.core.InputException;
import org.nezha.core.distributed.DistributedException;

/** {@code nezha <command>}: the entry point; every command's bad input ends in one line and a non-zero exit. */
@Command(name = "nezha", mixinStandardHelpOptions = true, versionProvider = NezhaCli.Version.class,
        description = "NEZHA (and BERT) pretraining, fine-tuning, evaluation and prediction on libtorch.",
        subcommands = {QuickstartCommand.class, PretrainCommand.class, FinetuneCommand.class, EvalCommand.class,
                PredictCommand.class, BenchCommand.class, LaunchCommand.class, CommandLine.HelpCommand.class})
public final class NezhaCli {
    /** Exit code for bad input (files, options); picocli also uses 2 for unknown options. */
    public static final int EXIT_BAD_INPUT = 2;

    public static void main(String[] args) {
        int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /** Runs one command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new NezhaCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((e, commandArgs) -> {
            err.println("nezha: error: " + e.getMessage() + " (see 'nezha " + commandPath(e.getCommandLine()) + " --help')");
            return EXIT_BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            Throwable cause = e;
            while (!(cause instanceof InputException) && cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            if (cause instanceof InputException) {
                err.println("nezha: error: " + cause.getMessage());
                return EXIT_BAD_INPUT;
            }
            if (cause instanceof DistributedException) { // a peer died or hung: one line, no stack trace
                err.println("nezha: error: " + cause.getMessage());
                return 1;
            }
            err.println("nezha: internal error: " + e);
            e.printStackTrace(err);
            return 1;
        });
        return cli.execute(args);
    }

    private static String commandPath(CommandLine commandLine) {
        String path = commandLine.getCommandSpec().qualifiedName(" ");
        return path.startsWith("nezha ") ? path.substring("nezha ".length()) : "";
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = NezhaCli.class.getPackage().getImplementationVersion();
            return new String[] {"nezha " + (v == null ? "dev" : v)};
        }
    }
}
