package dev.weft.distribution.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.weft.api.Setting;
import dev.weft.distribution.JsonTree;
import dev.weft.distribution.Versions;
import dev.weft.distribution.config.NodeSettings;
import dev.weft.distribution.config.SettingsCatalog;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The commands that need no node: {@code config}, {@code version}, {@code keygen} and {@code completion}. */
final class LocalCommands {
  private LocalCommands() {}

  @Command(name = "config", mixinStandardHelpOptions = true, sortOptions = false,
      description = {
          "Prints the configuration `weft node` would run with, given the same options: every setting with its "
              + "value and where the value comes from (default, file, env or flag), as one JSON object "
              + "{configFile, settings: {KEY: {value, source, default}}}; --pretty prints a table.",
          "Checks it as `weft node` does: an unknown key or an invalid value ends it with exit code 2 and a message "
              + "naming it. Secrets (the API token, key store passwords) are shown as ********."})
  static final class Config implements Callable<Integer> {
    @Mixin
    NodeOptions options;

    @Option(names = "--pretty", description = "A table, for people.")
    boolean pretty;

    @ParentCommand
    WeftCommand parent;

    private final Cli cli;

    Config(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      NodeSettings settings = options.resolve(parent == null ? null : parent.api, cli.env());
      SettingsCatalog catalog = SettingsCatalog.standard();
      Map<String, String> values = settings.config().asMap();
      ObjectNode out = JsonTree.NODES.objectNode();
      if (settings.configFile().isPresent()) {
        out.put("configFile", settings.configFile().get().toString());
      } else {
        out.putNull("configFile");
      }
      ObjectNode all = out.putObject("settings");
      for (Setting<?> s : catalog.all().values()) {
        String value = values.getOrDefault(s.key(), s.defaultText());
        String source = values.containsKey(s.key()) ? settings.source(s.key()) : NodeSettings.DEFAULT;
        ObjectNode entry = all.putObject(s.key());
        entry.put("value", s.isSecret() && !value.isEmpty() ? "********" : value);
        entry.put("source", source);
        entry.put("default", s.defaultText());
      }
      boolean asTable = pretty || parent != null && parent.pretty;
      if (!asTable) {
        cli.out().println(JsonTree.text(out));
        return Cli.OK;
      }
      cli.out().println("# configuration file: " + settings.configFile().map(Object::toString).orElse("none"));
      int width = catalog.all().keySet().stream().mapToInt(String::length).max().orElse(0);
      all.fields().forEachRemaining(e -> cli.out().println(String.format("%-" + width + "s  %-7s  %s", e.getKey(),
          e.getValue().get("source").asText(), e.getValue().get("value").asText())));
      return Cli.OK;
    }
  }

  @Command(name = "version", mixinStandardHelpOptions = true,
      description = "Prints this installation's version and the Java it runs on: {version, java, vm}.")
  static final class Version implements Callable<Integer> {
    private final Cli cli;

    Version(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      ObjectNode out = JsonTree.NODES.objectNode();
      out.put("version", Versions.weft());
      out.put("java", Runtime.version().toString());
      out.put("vm", System.getProperty("java.vm.name", "") + " (" + System.getProperty("java.vendor", "") + ")");
      cli.out().println(JsonTree.text(out));
      return Cli.OK;
    }
  }

  @Command(name = "keygen", mixinStandardHelpOptions = true,
      description = {"Prints a new random 256-bit key (base64) for client-side encryption: put --seal KEYFILE and "
          + "get --open KEYFILE, dev.weft.api.ValueCipher in Java, ValueCipher.fromKey in weft.js.",
          "  weft keygen > notes.key && chmod 600 notes.key",
          "Keep it safe and keep a copy: nobody, no node either, can open sealed values without it.",
          "With --signing: a new Ed25519 signing key (base64 PKCS#8) for owned namespaces, put --sign KEYFILE and "
              + "delete --sign KEYFILE (dev.weft.api.RecordSigner.fromPrivateKey in Java); its public key names "
              + "the namespaces only it can write, printed on standard error.",
          "  weft keygen --signing > owner.key && chmod 600 owner.key"})
  static final class Keygen implements Callable<Integer> {
    @Option(names = "--signing", description = "A signing key for owned namespaces instead of an encryption key.")
    boolean signing;

    private final Cli cli;

    Keygen(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      if (signing) {
        dev.weft.api.RecordSigner signer = dev.weft.api.RecordSigner.generate();
        byte[] key = signer.privateKey();
        cli.out().println(java.util.Base64.getEncoder().encodeToString(key));
        java.util.Arrays.fill(key, (byte) 0);
        cli.err().println("owned namespaces: " + signer.namespace() + " and " + signer.namespace() + "/NAME");
        return Cli.OK;
      }
      byte[] key = dev.weft.api.ValueCipher.newKey();
      cli.out().println(java.util.Base64.getEncoder().encodeToString(key));
      java.util.Arrays.fill(key, (byte) 0);
      return Cli.OK;
    }
  }

  @Command(name = "completion", mixinStandardHelpOptions = true,
      description = {"Prints a completion script for bash and zsh. Load it in the current shell with",
          "  source <(weft completion)",
          "or install it for good, e.g. weft completion > /etc/bash_completion.d/weft",
          "(zsh: autoload -U +X bashcompinit && bashcompinit first)."})
  static final class Completion implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private final Cli cli;

    Completion(Cli cli) {
      this.cli = cli;
    }

    @Override
    public Integer call() {
      cli.out().print(AutoComplete.bash("weft", spec.root().commandLine()));
      cli.out().flush();
      return Cli.OK;
    }
  }
}
