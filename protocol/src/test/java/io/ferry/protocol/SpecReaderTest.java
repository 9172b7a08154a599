package io.ferry.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.spec.Mode;
import io.ferry.protocol.spec.RowErrorPolicy;
import io.ferry.protocol.spec.SpecReader;
import io.ferry.protocol.spec.Verify;
import org.junit.jupiter.api.Test;

class SpecReaderTest {

  static final String YAML = """
      name: consolidate
      source:
        engine: postgresql
        tenants:
          - { id: d1, url: "jdbc:postgresql://h/d1", user: u, password: "${env:D1}" }
      target: { engine: postgresql, url: "jdbc:postgresql://h/t", user: u, schema: s, tenantColumn: district_id }
      tables: { include: ["public.*"], exclude: ["public.audit_*"] }
      mode: drop_recreate
      unit: { rows: 1000, bytes: 2048 }
      """;

  @Test
  void readsAFullYamlSpec() {
    SpecReader.Result result = SpecReader.read(YAML, true);
    assertThat(result.problems()).isEmpty();
    assertThat(result.spec().name()).isEqualTo("consolidate");
    assertThat(result.spec().mode()).isEqualTo(Mode.DROP_RECREATE);
    assertThat(result.spec().source().tenants().get(0).password()).isEqualTo("${env:D1}");
    assertThat(result.spec().target().tenantColumn()).isEqualTo("district_id");
    assertThat(result.spec().tables().exclude()).containsExactly("public.audit_*");
    assertThat(result.spec().unitOrDefault().rows()).isEqualTo(1000);
  }

  @Test
  void verifyIsFullUnlessTheSpecSaysOtherwiseAndABadWordIsListedWithTheOtherProblems() {
    assertThat(SpecReader.read(YAML, true).spec().verifyOrDefault()).isEqualTo(Verify.FULL);
    assertThat(SpecReader.read(YAML + "verify: sample\n", true).spec().verify()).isEqualTo(Verify.SAMPLE);
    assertThat(SpecReader.read(YAML.replace("mode: drop_recreate", "mode: verify") + "verify: none\n", true).spec())
        .satisfies(spec -> {
          assertThat(spec.mode()).isEqualTo(Mode.VERIFY);
          assertThat(spec.verify()).isEqualTo(Verify.NONE);
        });
    SpecReader.Result bad = SpecReader.read(YAML.replace("mode: drop_recreate", "mode: check") + "verify: yes please\n"
        + "onRowError: shrug\n", true);
    assertThat(bad.problems()).hasSize(3);
    assertThat(bad.problems()).anySatisfy(p -> assertThat(p).startsWith("mode: unknown mode 'check'"));
    assertThat(bad.problems()).anySatisfy(p -> assertThat(p).startsWith("onRowError:"));
    assertThat(bad.problems()).anySatisfy(p -> assertThat(p).isEqualTo("verify: unknown verify 'yes please'; expected one of"
        + " full (every copied key range), sample (at least one key range per tenant and table, about 1 in 10 otherwise),"
        + " none (nothing: the job succeeds once copied)"));
  }

  @Test
  void readsTargetCollations() {
    SpecReader.Result result = SpecReader.read(YAML.replace("tenantColumn: district_id", "tenantColumn: district_id,"
        + " collations: default"), true);
    assertThat(result.problems()).isEmpty();
    assertThat(result.spec().target().collations()).isEqualTo("default");
    assertThat(result.spec().target().mapsCollations()).isFalse();
    assertThat(SpecReader.read(YAML, true).spec().target().mapsCollations()).isTrue();
  }

  @Test
  void listsEveryUnknownFieldWithItsPath() {
    String json = """
        {"name":"x","colour":"red","source":{"engine":"postgresql","tenants":[
          {"id":"a","url":"u","user":"u"},{"id":"b","url":"u","user":"u","pasword":"p"}]},
         "target":{"engine":"postgresql","url":"u","user":"u","tenantColum":"t"},"unit":{"rowz":5}}""";
    SpecReader.Result result = SpecReader.read(json, false);
    assertThat(result.spec()).isNull();
    assertThat(result.problems()).hasSize(4);
    assertThat(result.problems()).anyMatch(p -> p.startsWith("colour: unknown field"));
    assertThat(result.problems()).anyMatch(p -> p.startsWith("source.tenants[1].pasword: unknown field"));
    assertThat(result.problems()).anyMatch(p -> p.startsWith("target.tenantColum: unknown field") && p.contains("tenantColumn"));
    assertThat(result.problems()).anyMatch(p -> p.startsWith("unit.rowz: unknown field"));
    assertThat(String.join(" ", result.problems())).doesNotContain("\"p\"");
  }

  @Test
  void readsIdentifierStyleAndColumnTypesInTheirOrder() {
    SpecReader.Result result = SpecReader.read("""
        name: x
        target:
          engine: postgresql
          identifiers: lower
          columnTypes:
            "dbo.Orders.Total": "numeric(12,2)"
            "*.*.Notes": varchar(2000)
        """, true);
    assertThat(result.problems()).isEmpty();
    assertThat(result.spec().target().identifiers()).isEqualTo("lower");
    assertThat(result.spec().target().columnTypes()).containsExactly(
        java.util.Map.entry("dbo.Orders.Total", "numeric(12,2)"), java.util.Map.entry("*.*.Notes", "varchar(2000)"));
  }

  @Test
  void namesTheFieldOfAWronglyTypedValue() {
    SpecReader.Result result = SpecReader.read("{\"name\":\"x\",\"unit\":{\"rows\":\"many\"}}", false);
    assertThat(result.problems()).singleElement().asString().startsWith("unit.rows");
  }

  @Test
  void refusesAFractionInEveryWholeNumberField() {
    SpecReader.Result result = SpecReader.read("""
        {"name":"x","unit":{"rows":1.5,"bytes":2048.25},
         "limits":{"rowsPerSecond":0.5,"bytesPerSecond":10.1,"maxUnits":2.5,"maxUnitsPerSource":1.01}}""", false);
    assertThat(result.spec()).isNull();
    assertThat(result.problems()).containsExactly(
        "unit.rows: 1.5 is not a whole number",
        "unit.bytes: 2048.25 is not a whole number",
        "limits.rowsPerSecond: 0.5 is not a whole number",
        "limits.bytesPerSecond: 10.1 is not a whole number",
        "limits.maxUnits: 2.5 is not a whole number",
        "limits.maxUnitsPerSource: 1.01 is not a whole number");
    assertThat(SpecReader.read("unit: { rows: 1.5 }\nname: x\n", true).problems())
        .containsExactly("unit.rows: 1.5 is not a whole number");
  }

  @Test
  void acceptsWholeNumbersWrittenWithAnExponentOrAPoint() {
    SpecReader.Result result = SpecReader.read("{\"name\":\"x\",\"unit\":{\"rows\":1e6,\"bytes\":2048.0}}", false);
    assertThat(result.problems()).isEmpty();
    assertThat(result.spec().unit().rows()).isEqualTo(1_000_000L);
    assertThat(result.spec().unit().bytes()).isEqualTo(2048L);
  }

  @Test
  void namesTheFieldOfANumberOutOfRangeInItsOwnWords() {
    SpecReader.Result result = SpecReader.read("""
        {"name":"x","unit":{"rows":1e30,"bytes":99999999999999999999},"limits":{"maxUnits":3000000000}}""", false);
    assertThat(result.problems()).containsExactly(
        "unit.rows: 1e30 is out of range (at most 9223372036854775807)",
        "unit.bytes: 99999999999999999999 is out of range (at most 9223372036854775807)",
        "limits.maxUnits: 3000000000 is out of range (at most 2147483647)");
    assertThat(String.join(" ", result.problems())).doesNotContain("Numeric value", "long", "Long");
  }

  @Test
  void saysWhatAWholeNumberFieldExpectsWithoutJavaTypeNames() {
    SpecReader.Result result = SpecReader.read("""
        {"name":"x","unit":{"rows":"many","bytes":true},"limits":{"maxUnits":[1]}}""", false);
    assertThat(result.problems()).containsExactly(
        "unit.rows: expected a whole number, got \"many\"",
        "unit.bytes: expected a whole number, got true",
        "limits.maxUnits: expected a whole number, got a list");
    assertThat(SpecReader.read("{\"name\":\"x\",\"unit\":{\"rows\":\"5000\"}}", false).spec().unit().rows())
        .as("a number in quotes, as YAML writers sometimes produce").isEqualTo(5000L);
  }

  @Test
  void describesAWronglyShapedObjectByItsFieldsNotItsJavaType() {
    SpecReader.Result result = SpecReader.read("{\"name\":\"x\",\"tables\":\"public.*\"}", false);
    assertThat(result.problems()).singleElement().asString()
        .startsWith("tables: expected an object with fields include, exclude").doesNotContain("TableSelection");
  }

  @Test
  void explainsAnUnknownMode() {
    SpecReader.Result result = SpecReader.read("{\"name\":\"x\",\"mode\":\"overwrite\"}", false);
    assertThat(result.problems()).singleElement().asString()
        .contains("mode").contains("overwrite").contains("create").contains("drop_recreate").contains("truncate");
  }

  @Test
  void readsOnRowErrorAndDefaultsToFail() {
    SpecReader.Result reject = SpecReader.read(YAML + "onRowError: reject\n", true);
    assertThat(reject.problems()).isEmpty();
    assertThat(reject.spec().onRowErrorOrDefault()).isEqualTo(RowErrorPolicy.REJECT);
    assertThat(SpecReader.read(YAML, true).spec().onRowErrorOrDefault()).isEqualTo(RowErrorPolicy.FAIL);
    assertThat(SpecReader.read("{\"name\":\"x\",\"onRowError\":\"fail\"}", false).spec().onRowError())
        .isEqualTo(RowErrorPolicy.FAIL);
  }

  @Test
  void listsABadModeAndABadOnRowErrorTogether() {
    SpecReader.Result result = SpecReader.read("{\"name\":\"x\",\"mode\":\"overwrite\",\"onRowError\":\"skip\"}", false);
    assertThat(result.spec()).isNull();
    assertThat(result.problems()).hasSize(2);
    assertThat(result.problems().get(0)).startsWith("mode: unknown mode 'overwrite'");
    assertThat(result.problems().get(1)).startsWith("onRowError: unknown onRowError 'skip'; expected one of fail (")
        .contains("reject (");
    assertThat(SpecReader.read("{\"name\":\"x\",\"onRowError\":true}", false).problems())
        .containsExactly("onRowError: expected a string");
  }

  @Test
  void reportsSyntaxErrorsWithTheirPlace() {
    assertThat(SpecReader.read("{\"name\": ", false).problems()).singleElement().asString().contains("JSON syntax error at line 1");
    assertThat(SpecReader.read("name: [", true).problems()).singleElement().asString().contains("YAML syntax error");
    assertThat(SpecReader.read("", false).problems()).singleElement().asString().contains("empty");
    assertThat(SpecReader.read("[1,2]", false).problems()).singleElement().asString().contains("must be an object");
  }
}
