// Process-wide logging: level and style (`pretty` for people, `json` one object per line for log
// pipelines), as Bifrost's -log-level / -log-style flags set them.
#pragma once

#include <string>

namespace heimdall {

void setup_logging(const std::string& level, const std::string& style);

}  // namespace heimdall
