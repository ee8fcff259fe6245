package dev.ferry.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ferry completion bash|zsh}: a completion script for every command and option (picocli's, which zsh
 * runs through bashcompinit), and VPS names asked of the Host ({@code ferry vps list --refs}) where a command
 * takes a VPS.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script: source <(ferry completion bash), or in ~/.zshrc: "
                + "source <(ferry completion zsh)."})
public final class CompletionCommand implements Callable<Integer> {
    /** The VPS commands whose first argument is a VPS. */
    static final String VPS_COMMANDS = "connect|status|stop|restart|pause|resume|remove|rename|host-key";

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw new IllegalArgumentException("completion: '" + shell + "' is not a shell this supports: bash or zsh");
        }
        String script = AutoComplete.bash("ferry", spec.root().commandLine());
        spec.commandLine().getOut().print(script + vpsNames());
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }

    /**
     * Wraps picocli's function: a VPS argument is completed from the Host's list, asked of the ferry being completed
     * (./ferry in a checkout works too), everything else as before.
     */
    private static String vpsNames() {
        return """

                # Ferry: VPS names from the Host where a command takes a VPS
                _ferry_complete_vps() {
                  local cur="${COMP_WORDS[COMP_CWORD]}"
                  if [[ ${COMP_WORDS[1]} == vps && $COMP_CWORD -ge 3 && "$cur" != -* ]]; then
                    case "${COMP_WORDS[2]}" in
                      %s)
                        if [[ $COMP_CWORD -eq 3 ]]; then
                          COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" vps list --refs 2>/dev/null)" -- "$cur") )
                          return 0
                        fi ;;
                    esac
                  fi
                  _complete_ferry "$@"
                }
                complete -F _ferry_complete_vps -o default ferry ferry.sh ./ferry
                """.formatted(VPS_COMMANDS);
    }
}
