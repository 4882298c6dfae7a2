// Values come from -D flags given by scripts/build.sh; a plain `swift build` gets the fallbacks.
#include "build_info.h"

#ifndef OCTOBUS_VERSION
#define OCTOBUS_VERSION "dev"
#endif
#ifndef OCTOBUS_COMMIT
#define OCTOBUS_COMMIT "unknown"
#endif
#ifndef OCTOBUS_DATE
#define OCTOBUS_DATE "unknown"
#endif

const char *octobus_build_version(void) { return OCTOBUS_VERSION; }
const char *octobus_build_commit(void) { return OCTOBUS_COMMIT; }
const char *octobus_build_date(void) { return OCTOBUS_DATE; }
