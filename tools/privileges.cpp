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
    // setuid() as root changes the real, effective and saved ids; if root can still be
    // regained, the drop did not happen and the capture must not go on pretending it did.
    if (pw->pw_uid != 0 && (::setuid(0) == 0 || ::geteuid() == 0))
        throw capture_error("-Z: privileges of root could be regained after switching to " + user);
}

}  // namespace pktscope::tools
