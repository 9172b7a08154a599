package io.ferry.deploy;

import io.ferry.deploy.cli.CoordinatorCommand;
import io.ferry.deploy.cli.EnvironmentDefaults;
import io.ferry.deploy.cli.RepairCommand;
import io.ferry.deploy.cli.ReportCommand;
import io.ferry.deploy.cli.SchemaCommand;
import io.ferry.deploy.cli.StatusCommand;
import io.ferry.deploy.cli.SubmitCommand;
import io.ferry.deploy.cli.WorkerCommand;
import io.ferry.deploy.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} launcher. */
@Command(name = "ferry", mixinStandardHelpOptions = true, version = "ferry 0.1.0",
    description = "Ferry moves data between databases with a cluster: one coordinator, any number of workers.",
    subcommands = {CoordinatorCommand.class, WorkerCommand.class, SubmitCommand.class, StatusCommand.class, ReportCommand.class, RepairCommand.class,
        SchemaCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Ferry implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    CommandLine commandLine = new CommandLine(new Ferry())
        .setDefaultValueProvider(new EnvironmentDefaults())
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          // A user sees one clear line, not a stack trace; the log has the details.
          cmd.getErr().println("ferry " + cmd.getCommandName() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
          org.slf4j.LoggerFactory.getLogger(Ferry.class).debug("command failed", e);
          return 1;
        });
    System.exit(commandLine.execute(args));
  }
}
