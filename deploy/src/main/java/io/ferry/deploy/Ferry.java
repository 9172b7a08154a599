package io.ferry.deploy;

import io.ferry.deploy.cli.ControlCommands;
import io.ferry.deploy.cli.CoordinatorCommand;
import io.ferry.deploy.cli.EnvironmentDefaults;
import io.ferry.deploy.cli.LimitsCommand;
import io.ferry.deploy.cli.RejectsCommand;
import io.ferry.deploy.cli.RepairCommand;
import io.ferry.deploy.cli.ReportCommand;
import io.ferry.deploy.cli.RollbackCommand;
import io.ferry.deploy.cli.SchemaCommand;
import io.ferry.deploy.cli.StatusCommand;
import io.ferry.deploy.cli.SubmitCommand;
import io.ferry.deploy.cli.ThroughputCommand;
import io.ferry.deploy.cli.UnitsCommand;
import io.ferry.deploy.cli.WorkerCommand;
import io.ferry.deploy.cli.WorkersCommand;
import io.ferry.deploy.demo.DemoCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} launcher. */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
    description = "Ferry moves data between databases with a cluster: one coordinator, any number of workers.",
    footer = {"", "Every command: ferry COMMAND --help. Exit codes: 0 done, 1 failed or refused (the reason printed),"
        + " 2 usage. The commands that ask the coordinator take --coordinator URL and --api-token TOKEN"
        + " (env FERRY_COORDINATOR, FERRY_API_TOKEN); all but schema take --json for the API's answer as it is."},
    subcommands = {CoordinatorCommand.class, WorkerCommand.class, SubmitCommand.class, StatusCommand.class,
        UnitsCommand.class, ThroughputCommand.class, WorkersCommand.class, ControlCommands.Pause.class, ControlCommands.Resume.class,
        ControlCommands.Cancel.class, ControlCommands.Retry.class, ControlCommands.Verify.class, RollbackCommand.class,
        LimitsCommand.class, ReportCommand.class, RepairCommand.class, RejectsCommand.class, SchemaCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Ferry implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** No command given: a usage error, with the list of commands. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The launcher as {@code main} runs it: defaults from the environment; a usage error said in one line and
   * where the help is (exit 2), a command's failure in one line (exit 1).
   */
  public static CommandLine commandLine() {
    return new CommandLine(new Ferry())
        .setDefaultValueProvider(new EnvironmentDefaults())
        .setParameterExceptionHandler((e, args) -> {
          CommandLine cmd = e.getCommandLine();
          String name = cmd.getCommandSpec().qualifiedName();
          cmd.getErr().println(name + ": " + e.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
          cmd.getErr().println("See '" + name + " --help'.");
          return cmd.getCommandSpec().exitCodeOnInvalidInput();
        })
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // A user sees one clear line, not a stack trace; the log has the details.
          cmd.getErr().println("ferry " + cmd.getCommandName() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          org.slf4j.LoggerFactory.getLogger(Ferry.class).debug("command failed", e);
          return 1;
        });
  }
}
