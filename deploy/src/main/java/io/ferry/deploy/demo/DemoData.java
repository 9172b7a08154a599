package io.ferry.deploy.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The demo's source: one database per school district, each with schools, students and enrollments
 * (about 350,000 rows per district at scale 1), with realistic types: text, dates, timestamptz,
 * numeric, boolean, arrays, jsonb, NULLs, a secondary index and foreign keys. Keys overlap between
 * districts, as they do in real per-tenant databases; the target tells them apart by district_id.
 */
final class DemoData {

  private DemoData() {
  }

  /** The database of a district: {@code <prefix>_district_<n>}. */
  static String database(String prefix, int district) {
    return prefix + "_district_" + district;
  }

  static long schools() {
    return 200;
  }

  static long students(double scale) {
    return Math.round(120_000 * scale);
  }

  static long enrollments(double scale) {
    return Math.round(230_000 * scale);
  }

  /** Drops and creates the tenant databases; returns the rows created. */
  static long create(PostgresServer server, String prefix, int districts, double scale) throws SQLException {
    try (Connection admin = server.connect("postgres"); Statement st = admin.createStatement()) {
      for (int d = 1; d <= districts; d++) {
        recreate(st, database(prefix, d));
      }
    }
    long rows = 0;
    for (int d = 1; d <= districts; d++) {
      rows += fill(server, database(prefix, d), d, scale);
    }
    return rows;
  }

  /** Drops and creates a database of the server (the demo's target). */
  static void recreate(PostgresServer server, String database) throws SQLException {
    try (Connection admin = server.connect("postgres"); Statement st = admin.createStatement()) {
      recreate(st, database);
    }
  }

  private static void recreate(Statement st, String database) throws SQLException {
    st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    st.execute("CREATE DATABASE " + database);
  }

  private static long fill(PostgresServer server, String database, int district, double scale) throws SQLException {
    long schools = schools();
    long students = students(scale);
    long enrollments = enrollments(scale);
    try (Connection c = server.connect(database); Statement st = c.createStatement()) {
      st.execute("""
          CREATE TABLE schools (
            id bigint PRIMARY KEY, name text NOT NULL, city text, opened_on date, capacity integer,
            tags text[])""");
      st.execute("""
          CREATE TABLE students (
            id bigint PRIMARY KEY, school_id bigint NOT NULL REFERENCES schools(id), first_name text NOT NULL,
            last_name text NOT NULL, email text, birth_date date, grade smallint, gpa numeric(4,2),
            enrolled_at timestamptz NOT NULL, active boolean NOT NULL, profile jsonb)""");
      st.execute("CREATE INDEX students_last_name ON students (last_name)");
      st.execute("""
          CREATE TABLE enrollments (
            id bigint PRIMARY KEY, student_id bigint NOT NULL REFERENCES students(id), course text NOT NULL,
            term text NOT NULL, score numeric(5,2), recorded_at timestamptz NOT NULL, notes text)""");
      st.execute("INSERT INTO schools SELECT i, 'School ' || i || ' of district " + district + "', "
          + "(ARRAY['Ålesund','Zürich','São Paulo','Kraków','Lyon'])[1 + i % 5], date '1950-01-01' + (i * 97 % 20000), "
          + "200 + i % 900, ARRAY['k12', 'district" + district + "'] FROM generate_series(1, " + schools + ") i");
      st.execute("INSERT INTO students SELECT i, 1 + i % " + schools + ", "
          + "(ARRAY['Ana','Björn','Chloé','Dmitri','Eun-ji','François','Günther','Hiroshi'])[1 + i % 8], "
          + "'Surname' || (i * 7919 % 50000), CASE WHEN i % 10 = 0 THEN NULL ELSE 'student' || i || '@d" + district + ".example' END, "
          + "date '2005-01-01' + (i % 4000), (i % 12 + 1)::smallint, round(((i * 37 % 400) / 100.0)::numeric, 2), "
          + "timestamptz '2020-09-01 08:00:00+00' + (i || ' minutes')::interval, i % 17 <> 0, "
          + "jsonb_build_object('lunch', i % 3 = 0, 'bus', 'route-' || (i % 40), 'notes', repeat('x', i % 50)) "
          + "FROM generate_series(1, " + students + ") i");
      st.execute("INSERT INTO enrollments SELECT i, 1 + i % " + students + ", "
          + "(ARRAY['math','physics','history','literature','biology','music'])[1 + i % 6], "
          + "'T' || (2020 + i % 5) || '-' || (1 + i % 2), CASE WHEN i % 13 = 0 THEN NULL ELSE round(((i * 53 % 10000) / 100.0)::numeric, 2) END, "
          + "timestamptz '2021-01-01 00:00:00+00' + (i || ' seconds')::interval, "
          + "CASE WHEN i % 7 = 0 THEN 'retake — ' || i ELSE NULL END FROM generate_series(1, " + enrollments + ") i");
      st.execute("ANALYZE");
    }
    return schools + students + enrollments;
  }
}
