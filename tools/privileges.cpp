#include "privileges.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "pktscope/capture.hpp"

namespace pktscope::tools {

void drop_privileges(const std::string& user) {
    errno = 0;
    const passwd* pw = getpwnam(user.c_str());
    if (pw == nullptr) throw capture_error("-Z: no such user: " + user);
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
        throw capture_error("-Z: cannot switch to user " + user + ": " + std::strerror(errno) +
                            " (only root can drop to another user)");
}

}  // namespace pktscope::tools
