// Whole-process measurements: run a program with its output going to /dev/null and read the
// wall time, CPU time and peak resident set size of exactly that child (wait4's rusage).
#pragma once

#include <string>
#include <vector>

namespace pktscope::bench {

/// One finished run.
struct process_run {
    double wall_s = 0;        ///< fork to reaped, seconds
    double cpu_s = 0;         ///< user + system CPU of the child
    long peak_rss_kib = 0;    ///< ru_maxrss of the child, KiB
    int exit_status = 0;      ///< exit code, or 128 + signal
    std::string stderr_tail;  ///< last lines of its standard error, when it failed
};

/// Runs `argv` (argv[0] looked up in PATH) with stdin and stdout on /dev/null and stderr in
/// `stderr_path`. Throws std::runtime_error when it cannot be started.
process_run run_process(const std::vector<std::string>& argv, const std::string& stderr_path);

}  // namespace pktscope::bench
