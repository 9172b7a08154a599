package io.ferry.deploy.cli;

import io.ferry.protocol.Json;
import io.ferry.protocol.spec.JobSpec;
import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.SpecReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Writes a job's target DDL as a reviewable migration script ({@link SchemaScript}). The spec is planned
 * by the coordinator as a dry run in mode {@code create}, whatever mode it names, since the script is what
 * creates the schema that a {@code preserve_schema} job then fills.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
    description = {"Write the target DDL of a job spec as a SQL migration script to review and apply.",
        "The script (PostgreSQL or T-SQL, as the target's engine) creates what the job would (types, tables, keys,"
            + " indexes, foreign keys) and records its checksum in ferry.schema_scripts.",
        "Exit codes: 0 written, 1 plan refused (problems printed), 2 usage."})
public final class SchemaCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "SPEC", description = "The job spec, .yaml/.yml or .json.")
  Path file;

  @Option(names = "--out", required = true, paramLabel = "FILE",
      description = "Where to write the script (e.g. schema.sql); - writes to standard output.")
  String out;

  @Mixin
  ApiMixin api;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String unreadable = SubmitCommand.unreadable(file);
    if (unreadable != null) {
      return usage(unreadable);
    }
    if (!out.equals("-")) {
      Path outFile = Path.of(out).toAbsolutePath();
      if (Files.isDirectory(outFile)) {
        return usage(out + " is a directory: give the script's file name (e.g. schema.sql)");
      }
      if (!Files.isDirectory(outFile.getParent())) {
        return usage("the folder of " + out + " does not exist");
      }
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    SpecReader.Result read = SpecReader.read(Files.readString(file), !name.endsWith(".json"));
    if (read.spec() == null || !read.problems().isEmpty()) {
      return refused(file + " is not a valid job spec:", read.problems());
    }
    JobSpec job = read.spec();
    String targetEngine = job.target() == null || job.target().engine() == null ? "postgresql" : job.target().engine();
    SchemaScript.Engine engine = SchemaScript.Engine.of(targetEngine);
    if (engine == null) {
      return refused("target.engine " + targetEngine + ": ferry schema writes scripts for PostgreSQL and SQL Server targets",
          List.of());
    }
    JobSpec planned = new JobSpec(job.name(), job.source(), job.target(), job.tables(), Mode.CREATE, job.unit(),
        job.limits(), job.onRowError());
    ApiClient.Response response = api.client().post("/api/v1/jobs?dryRun=true", Json.mapper().writeValueAsString(planned),
        "application/json");
    if (response.status() >= 400 || response.body() == null) {
      ApiCommand.printError(spec.commandLine().getErr(), response);
      return 1;
    }
    SchemaScript script = new SchemaScript(engine, header(job), response.body());
    if (out.equals("-")) {
      System.out.print(script.text());
      System.out.flush();
    } else {
      Files.writeString(Path.of(out), script.text(), StandardCharsets.UTF_8);
      System.err.println("Wrote " + out + " (" + response.body().path("tables").size() + " tables, checksum "
          + script.checksum() + ")");
    }
    return 0;
  }

  private SchemaScript.Header header(JobSpec job) {
    List<String> tenants = new ArrayList<>();
    if (job.source() != null && job.source().tenants() != null) {
      job.source().tenants().forEach(t -> tenants.add(t.id()));
    }
    String source = (job.source() == null ? "?" : job.source().engine()) + ", tenants " + String.join(", ", tenants);
    String planned = Mode.CREATE.wireName()
        + (job.mode() == null || job.mode() == Mode.CREATE ? "" : " (the spec says " + job.mode().wireName() + ")");
    String[] versions = spec.root().version();
    String version = versions.length > 0 ? versions[0] : "ferry";
    return new SchemaScript.Header(job.name(), source, planned, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
        version);
  }

  private int usage(String message) {
    spec.commandLine().getErr().println("ferry schema: " + message);
    spec.commandLine().getErr().flush();
    return 2;
  }

  private int refused(String message, List<String> problems) {
    spec.commandLine().getErr().println("ferry schema: " + message);
    problems.forEach(p -> spec.commandLine().getErr().println("  - " + p));
    spec.commandLine().getErr().flush();
    return 1;
  }
}
