package dev.weft.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs every example as a user would, and checks that README.md shows their code (imports included). */
class ExamplesTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private PrintStream stdout;

  @BeforeEach
  void capture() {
    stdout = System.out;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void restore() {
    System.setOut(stdout);
  }

  private String printed() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void storage() throws Exception {
    StorageExample.main(new String[0]);
    assertThat(printed()).contains("read back {\"text\":\"hi\"}");
  }

  @Test
  void messaging() throws Exception {
    MessagingExample.main(new String[0]);
    assertThat(printed()).contains("KEY from", "NODE from", "BROADCAST from").contains(": {\"text\":\"hi\"}");
  }

  @Test
  void schemaListenersSeeTheValueNotAnOptional() throws Exception {
    SchemaExample.main(new String[0]);
    assertThat(printed()).contains("feature.dark-mode = true").doesNotContain("Optional[");
  }

  @Test
  void pht() throws Exception {
    PhtExample.main(new String[0]);
    assertThat(printed()).contains("42 -> \"users/alice\"").doesNotContain("bob");
  }

  @Test
  void sql() throws Exception {
    SqlExample.main(new String[0]);
    assertThat(printed()).contains("ann done 2", "bob done 1", "complete: true");
  }

  @Test
  void theEchoPluginIsFoundByServiceLoaderAndReadsItsSetting() throws Exception {
    EchoExample.main(new String[0]);
    assertThat(printed()).contains("other says: hi");
  }

  /**
   * Each ```java block of the README's "Embedding" section is in one of the examples: its parts between "..." lines
   * appear there line for line (imports one by one).
   */
  @Test
  void theReadmeShowsTheExamplesCode() throws IOException {
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    int from = readme.indexOf("## Embedding");
    String section = readme.substring(from, readme.indexOf("\n## ", from + 1));
    List<String> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        sources.add(normalized(Files.readString(p, StandardCharsets.UTF_8)));
      }
    }
    Matcher blocks = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section);
    int count = 0;
    while (blocks.find()) {
      count++;
      List<String> parts = new ArrayList<>();
      for (String part : blocks.group(1).split("\n\\s*\\.\\.\\.\\s*\n")) {
        // Imports are listed as the example sorts them, with others between: each must be there.
        String code = normalized(part);
        if (code.lines().allMatch(l -> l.startsWith("import "))) {
          parts.addAll(code.lines().toList());
        } else if (!code.isEmpty()) {
          parts.add(code);
        }
      }
      assertThat(sources).as("an example containing:%n%s", parts)
          .anyMatch(source -> parts.stream().allMatch(source::contains));
    }
    assertThat(count).isEqualTo(5);
  }

  /** Lines trimmed, blank ones dropped. */
  private static String normalized(String code) {
    return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
  }
}
