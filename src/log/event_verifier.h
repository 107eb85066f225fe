#pragma once
// The verifier every reader of the event topics plugs into a
// VerifyingReaderOf<DecodedEvent>: the record's bytes must decode as a verified event
// (frame, BLAKE2b hash, FlatBuffers verifier, schema version, known type),
// agree with the record's key and headers, and continue its aggregate's hash
// chain. Anything else is quarantined with the rule that failed; that
// includes an unknown event type (written by a newer Kassa): it is kept in
// the quarantine, counted, and the reader goes on. What it verified, the
// decoded event, is handed over with the record.
//
// Thread-safety: the verifier shares `chains` with its caller; one thread.

#include "log/chain_verifier.h"
#include "log/quarantine.h"

namespace kassa::log {

// REQUIRES: `chains` outlives the verifier. Start `chains` from the tips of
// the last applied events (ChainVerifier::set_tip) when resuming mid-log.
VerifierOf<DecodedEvent> make_event_verifier(ChainVerifier& chains);

// The same checks for one record, for callers that do not use a reader.
Result<DecodedEvent> verify_record(const StoredRecord& record, ChainVerifier& chains);

}  // namespace kassa::log
