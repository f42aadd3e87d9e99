package dev.weft.query;

/**
 * The query plugin's counters on one node, since it started.
 *
 * @param statements statements this node ran for its callers
 * @param failedStatements of those, the ones that failed
 * @param scansStarted distributed scans this node asked for
 * @param scansRepeated attempts of those beyond their first: rows were left to a holder that did not answer, or to a
 *     node that had just joined and may not hold them yet (docs/query.md, "Every row counts once")
 * @param scansServed scans this node ran for an asking node (itself included)
 * @param scansRefused scans refused because their asking node went over {@link QuerySettings#SCANS_PER_ORIGIN}
 * @param rowsScanned rows read from this node's store by scans
 * @param rowsSent output rows (or partial aggregates) this node sent to asking nodes
 * @param rowsDeferred rows this node held but left to a closer holder to report
 * @param rowsContested rows of aggregating scans this node sent with their key instead of in its partial aggregates,
 *     because a node still settling after its join was closer to them
 * @param malformedRows stored rows that did not match their table's definition, skipped (and counted) by scans
 * @param duplicatesDropped rows an asking node received twice (two holders each thought itself responsible) and kept once
 * @param pagesRepeated pages of rows an asking node received again (the answer to the first copy was lost) and took once
 * @param rowWrites rows this node wrote as their keeper
 * @param rowWritesFailed rows it refused or failed to write (duplicate keys, unreachable replicas)
 * @param objectsReclaimed copies of rows and index entries of dropped tables and indexes this node removed from its
 *     store (docs/query.md, "Dropping frees the space")
 * @param watchNotices notices this node sent, as the keeper of rows, to nodes watching a query those rows pass (docs/
 *     query.md, "Live queries")
 * @param watchesRefused watch registrations this node refused, over its limits
 * @param watchRuns times this node ran a watched query again, after a notice or at a lease's renewal
 * @param rowsRehashed rows this node's scans sent toward the nodes their join keys hash to, for joins that rehash both
 *     sides (docs/query.md, "Joins that rehash"), its own kept here included
 * @param rowsRehashRefused rows of such joins this node refused to hold, over {@link QuerySettings#JOIN_BUFFER_BYTES}
 */
public record QueryStats(long statements, long failedStatements, long scansStarted, long scansRepeated,
    long scansServed, long scansRefused, long rowsScanned, long rowsSent, long rowsDeferred, long rowsContested,
    long malformedRows, long duplicatesDropped, long pagesRepeated, long rowWrites, long rowWritesFailed,
    long objectsReclaimed, long watchNotices, long watchesRefused, long watchRuns, long rowsRehashed,
    long rowsRehashRefused) {}
