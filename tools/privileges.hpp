// Dropping root after the capture handle is open (-Z USER), as tcpdump does.
#pragma once

#include <string>

namespace pktscope::tools {

/// Switches the process to `user` (its uid, gid and supplementary groups). Throws
/// capture_error naming the user when it does not exist or the switch fails.
void drop_privileges(const std::string& user);

}  // namespace pktscope::tools
