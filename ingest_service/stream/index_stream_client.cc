#include "ingest_service/stream/index_stream_client.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/base/status_macros.h"
#include "common/rpc/status.h"

namespace khabar::ingest {
namespace {

std::chrono::system_clock::time_point ToChrono(absl::Time t) { return absl::ToChronoTime(t); }

// Failures a new stream can cure: the peer went away, restarted, stalled or
// reset the stream. Anything else (a message refused as too large or
// malformed, an unknown method) would fail the same way again.
bool IsRetryable(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::UNKNOWN:   // "Stream removed" when the server dies mid-call
    case grpc::StatusCode::INTERNAL:  // RST_STREAM from a dying peer
      return true;
    default:
      return false;
  }
}

}  // namespace

IndexStreamClient::IndexStreamClient(std::shared_ptr<grpc::Channel> channel, std::string target,
                                     StreamOptions options, AckCallback on_ack)
    : channel_(std::move(channel)),
      target_(std::move(target)),
      options_(options),
      on_ack_(std::move(on_ack)),
      stub_(v1::IndexService::NewStub(channel_)) {}

IndexStreamClient::~IndexStreamClient() {
  if (stream_ != nullptr) EndStream(/*graceful=*/false);
  {
    absl::MutexLock lock(&mu_);
    stop_watchdog_ = true;
  }
  if (watchdog_.joinable()) watchdog_.join();
}

absl::Status IndexStreamClient::Open() {
  if (!channel_->WaitForConnected(ToChrono(absl::Now() + options_.connect_timeout))) {
    return absl::UnavailableError(absl::StrCat("cannot reach query service at ", target_,
                                               " (nothing answered within ",
                                               absl::FormatDuration(options_.connect_timeout),
                                               "); is query_service running?"));
  }
  KHABAR_RETURN_IF_ERROR(OpenStream());
  if (!watchdog_.joinable()) watchdog_ = std::thread([this] { WatchdogLoop(); });
  return absl::OkStatus();
}

absl::Status IndexStreamClient::OpenStream() {
  auto context = std::make_shared<grpc::ClientContext>();
  stream_ = stub_->IndexArticles(context.get());
  {
    absl::MutexLock lock(&mu_);
    context_ = std::move(context);
    last_progress_ = absl::Now();
    responses_.clear();
    reader_done_ = false;
  }
  reader_ = std::thread([this, stream = stream_.get()] { ReaderLoop(stream); });
  return absl::OkStatus();
}

void IndexStreamClient::ReaderLoop(
    grpc::ClientReaderWriter<v1::IndexArticlesRequest, v1::IndexArticlesResponse>* stream) {
  v1::IndexArticlesResponse response;
  while (stream->Read(&response)) {
    absl::MutexLock lock(&mu_);
    responses_.push_back(std::move(response));
    response.Clear();
  }
  absl::MutexLock lock(&mu_);
  reader_done_ = true;
  // A write blocked on a stream the server has ended would wait for flow
  // control forever: cancel it.
  if (in_write_ && context_ != nullptr) context_->TryCancel();
}

grpc::Status IndexStreamClient::EndStream(bool graceful) {
  if (!graceful) {
    absl::MutexLock lock(&mu_);
    if (!reader_done_ && context_ != nullptr) context_->TryCancel();
  }
  if (reader_.joinable()) reader_.join();
  grpc::Status status = stream_->Finish();
  stream_.reset();
  absl::MutexLock lock(&mu_);
  context_.reset();  // after the stream created with it
  return status;
}

void IndexStreamClient::MarkProgress() {
  absl::MutexLock lock(&mu_);
  last_progress_ = absl::Now();
  waiting_for_acks_ = !inflight_.empty();
}

void IndexStreamClient::WatchdogLoop() {
  absl::MutexLock lock(&mu_);
  while (!stop_watchdog_) {
    mu_.AwaitWithTimeout(absl::Condition(&stop_watchdog_), absl::Milliseconds(200));
    if (stop_watchdog_) break;
    if (waiting_for_acks_ && context_ != nullptr &&
        absl::Now() - last_progress_ > options_.ack_timeout) {
      base::LogWarning("index stream stalled; cancelling it to retry",
                       {{"target", target_},
                        {"no_ack_for", absl::FormatDuration(absl::Now() - last_progress_)}});
      context_->TryCancel();
      last_progress_ = absl::Now();
    }
  }
}

size_t IndexStreamClient::unacknowledged() const {
  size_t n = static_cast<size_t>(pending_.request.records_size());
  for (const Batch& b : inflight_) n += b.tags.size() - b.next_ack;
  return n;
}

absl::Status IndexStreamClient::Send(v1::Article article, uint64_t tag) {
  if (stream_ == nullptr) return absl::FailedPreconditionError("index stream is not open");
  const size_t bytes = article.ByteSizeLong();
  if (!pending_.tags.empty() && pending_bytes_ + bytes > options_.max_batch_bytes) {
    KHABAR_RETURN_IF_ERROR(SendPending());
  }
  v1::IndexRecord* record = pending_.request.add_records();
  record->set_sequence(next_sequence_++);
  *record->mutable_article() = std::move(article);
  pending_.tags.push_back(tag);
  pending_bytes_ += bytes;
  if (pending_.tags.size() >= options_.max_batch_records ||
      pending_bytes_ >= options_.max_batch_bytes) {
    return SendPending();
  }
  return absl::OkStatus();
}

absl::Status IndexStreamClient::Pace(size_t records) {
  if (options_.max_records_per_second <= 0) return absl::OkStatus();
  // A floor of one record in 100 s keeps the wait's arithmetic in range.
  const double rate = std::max(options_.max_records_per_second, 0.01);
  using Clock = std::chrono::steady_clock;
  // This batch's slot: when the one before allows it, or now after a pause.
  const Clock::time_point slot = std::max(next_due_, Clock::now());
  next_due_ = slot + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                         static_cast<double>(records) / rate));
  for (Clock::time_point now = Clock::now(); now < slot; now = Clock::now()) {
    const absl::Duration left = absl::FromChrono(slot - now);
    if (inflight_.empty()) {
      absl::SleepFor(left);
      continue;
    }
    // Acks keep coming meanwhile: deliver them (the watchdog counts them as
    // progress), and recover a stream that breaks while we wait.
    KHABAR_RETURN_IF_ERROR(ReadAcksUntil(absl::Now() + left));
  }
  return absl::OkStatus();
}

absl::Status IndexStreamClient::SendPending() {
  if (pending_.tags.empty()) return absl::OkStatus();
  while (inflight_.size() >= std::max<size_t>(1, options_.max_inflight_batches)) {
    KHABAR_RETURN_IF_ERROR(ReadAcks());
  }
  // After the window wait: a receiver slower than the rate must not leave
  // two batches due at once.
  KHABAR_RETURN_IF_ERROR(Pace(pending_.tags.size()));
  inflight_.push_back(std::move(pending_));
  pending_ = Batch();
  pending_bytes_ = 0;
  const Batch& batch = inflight_.back();
  stats_.records_sent += static_cast<int64_t>(batch.tags.size());
  MarkProgress();
  if (absl::Status s = WriteBatch(batch); !s.ok()) return Recover("sending");
  return absl::OkStatus();
}

absl::Status IndexStreamClient::WriteBatch(const Batch& batch) {
  if (stream_ == nullptr) return absl::UnavailableError("stream is not open");
  {
    absl::MutexLock lock(&mu_);
    if (reader_done_) return absl::UnavailableError("stream ended");
    in_write_ = true;
  }
  const bool ok = stream_->Write(batch.request);
  {
    absl::MutexLock lock(&mu_);
    in_write_ = false;
  }
  if (!ok) return absl::UnavailableError("write failed");
  ++stats_.batches_sent;
  stats_.bytes_sent += static_cast<int64_t>(batch.request.ByteSizeLong());
  return absl::OkStatus();
}

absl::Status IndexStreamClient::ReadAcksUntil(absl::Time deadline) {
  if (stream_ == nullptr) return absl::FailedPreconditionError("index stream is not open");
  v1::IndexArticlesResponse response;
  bool ended = false;
  {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !responses_.empty() || reader_done_;
    };
    if (!mu_.AwaitWithDeadline(absl::Condition(&ready), deadline)) return absl::OkStatus();
    ended = responses_.empty();
    if (!ended) {
      response = std::move(responses_.front());
      responses_.pop_front();
    }
  }
  if (ended) return Recover("waiting for acknowledgements");
  return Deliver(response);
}

absl::Status IndexStreamClient::Deliver(v1::IndexArticlesResponse& response) {
  for (const v1::IndexAck& ack : response.acks()) {
    if (inflight_.empty()) {
      return absl::InternalError(absl::StrCat("query service at ", target_,
                                              " acknowledged sequence ", ack.sequence(),
                                              " that was not sent"));
    }
    Batch& front = inflight_.front();
    const uint64_t expected = front.request.records(static_cast<int>(front.next_ack)).sequence();
    if (ack.sequence() != expected) {
      return absl::InternalError(absl::StrCat("query service at ", target_,
                                              " acknowledged sequence ", ack.sequence(),
                                              " out of order; expected ", expected));
    }
    const uint64_t tag = front.tags[front.next_ack++];
    if (front.next_ack == front.tags.size()) inflight_.pop_front();
    if (on_ack_) on_ack_(tag, ack);
  }
  MarkProgress();
  return absl::OkStatus();
}

absl::Status IndexStreamClient::Recover(absl::string_view what) {
  // Called after a failed write or once the reader saw the end: the call is
  // over, and Finish() gives the server's status. Cancelling here would race
  // with that status and could turn a refusal (not retryable) into CANCELLED.
  grpc::Status why = stream_ != nullptr ? EndStream(/*graceful=*/true) : grpc::Status::CANCELLED;
  if (!IsRetryable(why.error_code())) {
    return absl::Status(rpc::FromGrpcStatus(why).code(),
                        absl::StrCat("query service at ", target_, " refused the index stream while ",
                                     what, ": ", why.error_message()));
  }
  // Acknowledged records of a partly acknowledged batch are not sent again.
  for (Batch& b : inflight_) {
    if (b.next_ack == 0) continue;
    auto* records = b.request.mutable_records();
    records->erase(records->begin(), records->begin() + static_cast<int>(b.next_ack));
    b.tags.erase(b.tags.begin(), b.tags.begin() + static_cast<long>(b.next_ack));
    b.next_ack = 0;
  }
  base::LogWarning("index stream broke; reconnecting",
                   {{"target", target_},
                    {"while", std::string(what)},
                    {"status", why.error_message()},
                    {"unacknowledged", absl::StrCat(unacknowledged())}});

  std::minstd_rand jitter(static_cast<uint32_t>(absl::ToUnixNanos(absl::Now())));
  const absl::Time give_up = absl::Now() + options_.retry_timeout;
  absl::Duration backoff = options_.initial_backoff;
  std::string last_error = why.error_message();
  while (absl::Now() < give_up) {
    const double factor = 0.8 + 0.4 * (jitter() % 1000) / 1000.0;
    absl::SleepFor(std::min(backoff * factor, give_up - absl::Now()));
    backoff = std::min(backoff * 2, options_.max_backoff);
    if (!channel_->WaitForConnected(ToChrono(std::min(absl::Now() + backoff, give_up)))) {
      last_error = "not reachable";
      continue;
    }
    KHABAR_RETURN_IF_ERROR(OpenStream());
    ++stats_.reconnects;
    bool written = true;
    for (const Batch& b : inflight_) {
      if (!WriteBatch(b).ok()) {
        written = false;
        break;
      }
      stats_.records_resent += static_cast<int64_t>(b.tags.size());
    }
    if (written) {
      base::LogInfo("index stream reopened",
                    {{"target", target_}, {"resent", absl::StrCat(unacknowledged())}});
      MarkProgress();
      return absl::OkStatus();
    }
    why = EndStream(/*graceful=*/true);  // a resend failed: the call is over (see above)
    last_error = why.error_message();
    if (!IsRetryable(why.error_code())) {
      return absl::Status(rpc::FromGrpcStatus(why).code(),
                          absl::StrCat("query service at ", target_,
                                       " refused the index stream: ", why.error_message()));
    }
  }
  return absl::UnavailableError(absl::StrCat(
      "index stream to ", target_, " broke while ", what, " and could not be reopened within ",
      absl::FormatDuration(options_.retry_timeout), " (last error: ", last_error, "); ",
      unacknowledged(), " records are not acknowledged"));
}

absl::Status IndexStreamClient::Flush() {
  if (stream_ == nullptr) return absl::FailedPreconditionError("index stream is not open");
  KHABAR_RETURN_IF_ERROR(SendPending());
  while (!inflight_.empty()) KHABAR_RETURN_IF_ERROR(ReadAcks());
  return absl::OkStatus();
}

absl::Status IndexStreamClient::Close() {
  if (stream_ == nullptr) return absl::OkStatus();
  KHABAR_RETURN_IF_ERROR(Flush());
  stream_->WritesDone();
  return rpc::FromGrpcStatus(EndStream(/*graceful=*/true));
}

}  // namespace khabar::ingest
