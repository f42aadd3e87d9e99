package dev.weft.storage.mapdb.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.TreeMap;

/** A store's directory, an empty index and a log at segment 1, without a store around them: for the parts' tests. */
final class StoreParts implements AutoCloseable {
  final StoreDirectory directory;
  final LiveIndex index;
  final LogSegments log;

  StoreParts(Path dir) throws IOException {
    directory = StoreDirectory.open(dir);
    index = new LiveIndex(dir, View.create(directory.indexFile(), false), new TreeMap<>(), 0, 0, () -> {});
    log = new LogSegments(directory, Appender::open, LogWriter.create(directory.logDir, 1, Appender::open),
        new TreeMap<>(), 0, 0);
  }

  @Override
  public void close() throws IOException {
    index.close(false, 0, 0);
    log.close();
    directory.close();
  }
}
