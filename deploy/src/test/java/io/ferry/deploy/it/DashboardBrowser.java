package io.ferry.deploy.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium (the Debian {@code chromium} and {@code chromium-driver} packages, which {@code .ci/run}
 * installs) driven by Selenium on the coordinator's dashboard. The binaries are named, so Selenium Manager
 * downloads nothing; the profile is a fresh directory, and the browser's own traffic (updates, sync, QUIC)
 * is off, so that the page is the only thing that talks to the network.
 */
final class DashboardBrowser implements AutoCloseable {

  static final Path CHROMIUM = Path.of(System.getProperty("ferry.chromium", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getProperty("ferry.chromedriver", "/usr/bin/chromedriver"));
  /** Long enough for a loaded CI machine; every wait ends as soon as its condition holds. */
  static final Duration WAIT = Duration.ofSeconds(90);

  final ChromeDriver driver;
  final String baseUrl;
  final Path profile;
  final Path screenshots;

  DashboardBrowser(String baseUrl, Path screenshots) throws Exception {
    assertThat(CHROMIUM).as("chromium (apt-get install chromium chromium-driver; .ci/run does)").isExecutable();
    assertThat(CHROMEDRIVER).as("chromedriver (apt-get install chromium-driver)").isExecutable();
    this.baseUrl = baseUrl;
    this.screenshots = Files.createDirectories(screenshots);
    this.profile = Files.createTempDirectory("ferry-chromium-");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
        "--window-size=1440,1000", "--force-device-scale-factor=1", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort().build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
  }

  void open(String hash) {
    driver.get(baseUrl + "/" + hash);
  }

  WebElement find(String css) {
    return until("element " + css, d -> {
      List<WebElement> found = d.findElements(By.cssSelector(css));
      return found.isEmpty() || !found.getFirst().isDisplayed() ? null : found.getFirst();
    });
  }

  void click(String css) {
    until("click " + css, d -> {
      WebElement e = find(css);
      // Clear of the sticky top bar, as a user would scroll to it.
      script("arguments[0].scrollIntoView({block: 'center'})", e);
      e.click();
      return true;
    });
  }

  /** Confirms the page's confirmation dialog. */
  void confirm() {
    click("dialog[open] #confirm-ok");
    until("the dialog closes", d -> d.findElements(By.cssSelector("dialog[open]")).isEmpty() ? true : null);
  }

  <T> T until(String what, Function<WebDriver, T> condition) {
    // The page redraws what the events change: an element found may be replaced before it is read.
    return new WebDriverWait(driver, WAIT, Duration.ofMillis(100)).withMessage(what)
        .ignoring(StaleElementReferenceException.class).until(condition);
  }

  /** An attribute of the first element matching css, read in one step (null when there is none). */
  String attribute(String css, String name) {
    return (String) script("const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
  }

  /** The text of the first element matching css, read in one step ("" when there is none). */
  String text(String css) {
    return (String) script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
  }

  Object script(String js, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(js, args);
  }

  /** Runs an ES module function of the page in the browser: {@code js} gets the module as {@code m}, returns JSON. */
  String module(String path, String js) {
    return (String) ((JavascriptExecutor) driver).executeAsyncScript(
        "const done = arguments[arguments.length - 1];"
            + "import('" + path + "').then(m => done(JSON.stringify((() => { " + js + " })())), e => done('error: ' + e));");
  }

  void screenshot(String name) throws Exception {
    Path shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(shot, screenshots.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }

  @Override
  public void close() throws Exception {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
