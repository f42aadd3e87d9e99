package dev.weft.storage.mapdb.internal;

import dev.weft.api.Record;
import dev.weft.storage.mapdb.internal.Codec.Buf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.mapdb.BTreeMap;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;

/**
 * The MapDB index: records by encoded key in {@code (namespace, key)} order, and the meta entries. Not the source of
 * truth (the log is): it is rebuilt whenever it cannot be trusted. Non-transactional, so an unclean stop leaves it
 * unusable, which is fine because it is then rebuilt.
 *
 * <p>Thread safety: MapDB's maps are thread-safe; the writer thread is the only one that modifies them. Every value
 * carries a CRC that {@link Codec#fromIndex} checks on each read.
 */
final class View implements AutoCloseable {
  static final String FILE = "index.mapdb";

  final Path file;
  private final DB db;
  private final BTreeMap<byte[], byte[]> records;
  private final BTreeMap<byte[], byte[]> meta;

  private View(Path file, DB db) {
    this.file = file;
    this.db = db;
    this.records = db.treeMap("records", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).valuesOutsideNodesEnable()
        .createOrOpen();
    this.meta = db.treeMap("meta", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY).createOrOpen();
  }

  /** Deletes whatever index is there and creates an empty one. */
  static View create(Path file, boolean mmap) throws IOException {
    Files.deleteIfExists(file);
    return new View(file, maker(file, mmap).make());
  }

  /**
   * Deletes whatever index is there and creates one holding {@code staged} (emptied on the way) and {@code meta},
   * through MapDB's bulk loader: it builds the B-tree bottom-up from sorted entries, several times faster than one put
   * per record.
   */
  static View load(Path file, boolean mmap, Staging staged, Map<String, String> meta) throws IOException {
    Files.deleteIfExists(file);
    DB db = maker(file, mmap).make();
    View v;
    try {
      if (staged.size() > 0) {
        // Same name, serializers and layout as the constructor's map, which then opens what the sink wrote.
        DB.TreeMapSink<byte[], byte[]> sink = db.treeMap("records", Serializer.BYTE_ARRAY, Serializer.BYTE_ARRAY)
            .valuesOutsideNodesEnable().createFromSink();
        staged.drainSorted((k, r) -> sink.put(k, Codec.indexValue(k, r)));
        sink.create();
      }
      v = new View(file, db);
    } catch (RuntimeException | Error e) {
      try {
        db.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    meta.forEach(v::putMeta);
    return v;
  }

  /** Opens an existing index; throws whatever MapDB throws when it cannot. */
  static View open(Path file, boolean mmap) {
    return new View(file, maker(file, mmap).make());
  }

  private static DBMaker.Maker maker(Path file, boolean mmap) {
    // The store's own lock file guards the directory; MapDB's lock would only get in the way after a kill -9.
    DBMaker.Maker m = DBMaker.fileDB(file.toFile()).fileLockDisable();
    return mmap ? m.fileMmapEnableIfSupported().fileMmapPreclearDisable().cleanerHackEnable() : m.fileChannelEnable();
  }

  /** The record under {@code key}, CRC-checked, or null. */
  Record get(byte[] key) {
    byte[] v = records.get(key);
    return v == null ? null : Codec.fromIndex(key, v);
  }

  void put(byte[] key, Record r) {
    records.put(key, Codec.indexValue(key, r));
  }

  void remove(byte[] key) {
    records.remove(key);
  }

  /** Raw entries from {@code from} on (all when null), in key order, read lazily node by node. */
  Iterator<Map.Entry<byte[], byte[]>> entries(byte[] from, boolean inclusive) {
    return from == null ? records.entryIterator() : records.entryIterator(from, inclusive, null, false);
  }

  void putMeta(String name, String value) {
    Buf k = new Buf(name.length() + 8);
    Codec.putString(k, name);
    byte[] key = k.toArray();
    Buf v = new Buf(value.length() + 8);
    v.putInt(0);
    Codec.putString(v, value);
    byte[] val = v.toArray();
    CRC32C c = new CRC32C();
    c.update(key);
    c.update(val, 4, val.length - 4);
    ByteBuffer.wrap(val).putInt(0, (int) c.getValue());
    meta.put(key, val);
  }

  void removeMeta(String name) {
    Buf k = new Buf(name.length() + 8);
    Codec.putString(k, name);
    meta.remove(k.toArray());
  }

  /** Every meta entry, CRC-checked. */
  NavigableMap<String, String> loadMeta() {
    TreeMap<String, String> out = new TreeMap<>();
    for (Iterator<Map.Entry<byte[], byte[]>> it = meta.entryIterator(); it.hasNext(); ) {
      Map.Entry<byte[], byte[]> e = it.next();
      byte[] val = e.getValue();
      CRC32C c = new CRC32C();
      c.update(e.getKey());
      c.update(val, 4, val.length - 4);
      if (val.length < 8 || ByteBuffer.wrap(val).getInt(0) != (int) c.getValue()) {
        throw new IllegalStateException("a meta entry of the index is corrupt (checksum mismatch)");
      }
      out.put(Codec.getString(ByteBuffer.wrap(e.getKey())), Codec.getString(ByteBuffer.wrap(val, 4, val.length - 4)));
    }
    return out;
  }

  /** Closes MapDB (which writes its header and syncs) and syncs the file once more for good measure. */
  void closeAndSync() throws IOException {
    db.close();
    Files2.fsyncFile(file);
  }

  @Override
  public void close() {
    try {
      db.close();
    } catch (RuntimeException e) {
      // Closing an index we are about to throw away; nothing to do about it.
    }
  }
}
