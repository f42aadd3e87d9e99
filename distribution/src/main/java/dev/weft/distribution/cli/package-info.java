/**
 * The {@code weft} command line: picocli's commands ({@link dev.weft.distribution.cli.WeftCommand} and the groups it
 * lists), {@link dev.weft.distribution.cli.CommandRunner} that runs one, the client of the HTTP API the client commands
 * talk through, the service {@code weft node} and {@code weft cluster} run, and the run that trains the launcher's
 * class-data archive. {@code Main} and {@code bin/weft} start it.
 */
package dev.weft.distribution.cli;
