#include "tests/service_process.h"

#include <signal.h>

#include <cstdlib>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace khabar::testing {

bool QueryServiceProcess::Start(const std::vector<std::string>& flags, const std::string& listen) {
  std::vector<std::string> argv = {binary_, "--listen=" + listen};
  argv.insert(argv.end(), flags.begin(), flags.end());
  process_ = std::make_unique<Subprocess>(argv);
  if (!process_->started()) {
    error_ = "cannot start " + binary_;
    return false;
  }
  std::optional<std::string> line =
      process_->ReadStdoutLineContaining("listening on ", absl::Seconds(30));
  if (!line.has_value()) {
    process_->Stop(SIGKILL, absl::Seconds(5));
    error_ = "query_service did not start: " + process_->stderr_text();
    return false;
  }
  address_ = line->substr(line->rfind(' ') + 1);
  return true;
}

std::optional<int> QueryServiceProcess::Stop() {
  if (process_ == nullptr) return std::nullopt;
  return process_->Stop(SIGTERM, absl::Seconds(30));
}

void QueryServiceProcess::Kill() {
  if (process_ != nullptr) process_->Stop(SIGKILL, absl::Seconds(10));
}

int QueryServiceProcess::port() const {
  return std::atoi(address_.substr(address_.rfind(':') + 1).c_str());
}

std::shared_ptr<grpc::Channel> QueryServiceProcess::Channel() const {
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(-1);
  return grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
}

}  // namespace khabar::testing
