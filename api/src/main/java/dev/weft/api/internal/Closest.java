package dev.weft.api.internal;

/**
 * The known name nearest to a mistyped one, for "did you mean" hints (the builder's and the CLI's unknown settings).
 *
 * <p>Internal: not part of the public API.
 */
public final class Closest {
  private Closest() {}

  /** The candidate nearest to {@code name} by edit distance, if it is near enough to be a likely typo; else null. */
  public static String to(String name, Iterable<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(name, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // A third of the name's length: "weft.kademlia.kk" finds weft.kademlia.k, "weft.colour" finds nothing.
    return best != null && bestDistance <= Math.max(2, name.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  public static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] t = previous;
      previous = current;
      current = t;
    }
    return previous[b.length()];
  }
}
