// Build metadata stamped at build time by scripts/build.sh (-Xcc -DOCTOBUS_VERSION=…).
#ifndef OCTOBUS_BUILD_INFO_H
#define OCTOBUS_BUILD_INFO_H

const char *octobus_build_version(void);
const char *octobus_build_commit(void);
const char *octobus_build_date(void);

#endif
