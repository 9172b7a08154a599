package io.ferry.worker.sqlserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.protocol.plan.ColumnPlan;
import io.ferry.protocol.plan.TablePlan;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mssqlserver.MSSQLServerContainer;

/**
 * The identifier styles against SQL Server 2022 itself, whose catalog keeps names as they were created
 * (Babelfish's lower-cases them): PascalCase and acronyms become snake_case words. Runs where a Docker
 * engine does.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServer2022IdentifiersIT extends SqlServerIdentifiersContract {

  @Container
  private static final MSSQLServerContainer SERVER =
      new MSSQLServerContainer("mcr.microsoft.com/mssql/server:2022-latest").acceptLicense();

  @Override
  protected SqlServerDatabases databases() {
    return new SqlServerDatabases(SERVER.getJdbcUrl() + ";trustServerCertificate=true", SERVER.getUsername(),
        SERVER.getPassword());
  }

  @Test
  void pascalCaseAndAcronymsBecomeSnakeCaseWords() throws Exception {
    List<TablePlan> plans = planOnly("ident_pascal", null,
        "CREATE TABLE dbo.OrderLines (OrderLineID int NOT NULL PRIMARY KEY, CustomerID int NOT NULL,"
            + " HTTPStatus int NULL, [Order Date] date NULL)");
    TablePlan lines = plans.get(0);
    assertThat(lines.targetTable()).isEqualTo("dbo.order_lines");
    assertThat(lines.columns()).extracting(ColumnPlan::targetName)
        .containsExactly("order_line_id", "customer_id", "http_status", "order_date");
    assertThat(lines.ddl().finish()).anySatisfy(s -> assertThat(s).contains("ADD PRIMARY KEY (\"order_line_id\")"));
  }
}
