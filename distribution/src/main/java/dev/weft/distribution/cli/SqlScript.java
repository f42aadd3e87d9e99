package dev.weft.distribution.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at each {@code ;} that is outside a string ({@code 'it''s'}), a quoted identifier
 * ({@code "a;b"}), a line comment ({@code -- ...}) and a block comment ({@code /* ... *}{@code /}), as {@code weft sql
 * -f} and the shell read them. Each statement keeps the line it starts on, for the message of its error. Stateless.
 */
final class SqlScript {
  private SqlScript() {}

  /**
   * One statement: its text without the {@code ;} and without comments or blank lines before it.
   *
   * @param text never blank
   * @param line the line its text starts on, from 1
   */
  record Statement(String text, int line) {}

  /**
   * What a piece of text holds: the statements it ends with a {@code ;}, and what follows the last of them.
   *
   * @param complete the statements ended with {@code ;}, in order
   * @param rest the text after the last {@code ;} (a statement still being typed), blank when there is none
   * @param restLine the line {@code rest} starts on
   */
  record Split(List<Statement> complete, String rest, int restLine) {
    /** Every statement, the unterminated rest too: how a file or a command's argument is run. */
    List<Statement> all() {
      List<Statement> out = new ArrayList<>(complete);
      Statement last = statement(rest, restLine);
      if (last != null) {
        out.add(last);
      }
      return out;
    }
  }

  /** Splits {@code text}, whose first line is line 1. */
  static Split split(String text) {
    List<Statement> complete = new ArrayList<>();
    int start = 0;
    int startLine = 1;
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      int after = afterComment(text, i);
      if (c == '\'' || c == '"') {
        i = skipQuoted(text, i, c);
      } else if (after > i) {
        i = after;
      } else {
        if (c == ';') {
          Statement s = statement(text.substring(start, i), startLine);
          if (s != null) {
            complete.add(s);
          }
          startLine += count(text, start, i + 1);
          start = i + 1;
        }
        i++;
      }
    }
    return new Split(complete, text.substring(start), startLine);
  }

  /** The index after the comment that starts at {@code i} (a line comment ends before its newline), else {@code i}. */
  private static int afterComment(String text, int i) {
    if (text.startsWith("--", i)) {
      int end = text.indexOf('\n', i);
      return end < 0 ? text.length() : end;
    }
    if (text.startsWith("/*", i)) {
      int end = text.indexOf("*/", i + 2);
      return end < 0 ? text.length() : end + 2;
    }
    return i;
  }

  /** The index after the quote that closes the one at {@code open}; a doubled quote is part of the text. */
  private static int skipQuoted(String text, int open, char quote) {
    int i = open + 1;
    while (i < text.length()) {
      if (text.charAt(i) == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return i;
  }

  /** The newlines in {@code text[from, to)}. */
  private static int count(String text, int from, int to) {
    int lines = 0;
    for (int i = from; i < to; i++) {
      if (text.charAt(i) == '\n') {
        lines++;
      }
    }
    return lines;
  }

  /**
   * The statement in {@code text}, which starts on {@code line}, without the blank lines and comments before it; null
   * when it holds nothing else.
   */
  private static Statement statement(String text, int line) {
    int i = 0;
    int n = text.length();
    while (i < n) {
      int after = afterComment(text, i);
      if (after > i) {
        i = after;
      } else if (Character.isWhitespace(text.charAt(i))) {
        i++;
      } else {
        break;
      }
    }
    if (i >= n) {
      return null;
    }
    return new Statement(text.substring(i).strip(), line + count(text, 0, i));
  }
}
