package dev.weft.api.util;
import dev.weft.api.spi.store.LocalStore;
import dev.weft.api.Record;

import dev.weft.api.Page;
import dev.weft.api.Scan;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The paging rule every {@link LocalStore#scan} follows, in one place: a store positions an iterator at the scan's
 * start and this cuts the page. Stateless; call from any thread.
 *
 * @since 0.1.0
 */
public final class ScanPages {
  private ScanPages() {}

  /**
   * One page from {@code records}, which must run in (namespace, key) order starting at or after the scan's start
   * (its cursor if it has one, else the first key of its namespace, else the first record). Records of other
   * namespaces before the scan's namespace are skipped; the page ends at the first record after it, or after
   * {@link Scan#limit()} records, with a {@link Page#next()} cursor when more may follow.
   */
  public static Page<Record> page(Scan scan, Iterator<Record> records) {
    String ns = scan.namespace().orElse(null);
    List<Record> items = new ArrayList<>(Math.min(scan.limit(), 64));
    boolean more = false;
    while (records.hasNext()) {
      Record r = records.next();
      if (ns != null) {
        int c = r.namespace().compareTo(ns);
        if (c < 0) {
          continue;
        }
        if (c > 0) {
          break;
        }
      }
      if (items.size() == scan.limit()) {
        more = true;
        break;
      }
      items.add(r);
    }
    Optional<Scan> next = Optional.empty();
    if (more) {
      Record last = items.get(items.size() - 1);
      next = Optional.of(scan.after(last.namespace(), last.key()));
    }
    return new Page<>(items, next);
  }
}
