package dev.weft.distribution.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The run bin/weft lists the classes of its class-data archive with (LauncherIT checks the archive itself). */
final class CdsTrainingTest {
  @Test
  void everyCommandOfTheTrainingEndsAsExpected() throws Exception {
    // bin/weft makes no archive when this fails: every client command would then quietly start slowly.
    assertThat(CdsTraining.run()).isTrue();
  }
}
