#pragma once
// RocksDB's own info log, through spdlog instead of a LOG file in each
// database folder.
//
// Why: RocksDB 7.8 writes its info log with a WritableFileWriter, and when
// the disk is full a log line after a failed one aborts the process on an
// assertion (WritableFileWriter::AssertFalseAndGetStatusForPrevError:
// `sync_without_flush_called_`): a full disk took kassad down although
// every write had answered 503. A logger that never touches the disk
// cannot fail that way, and its lines are Kassa's structured lines
// (`rocksdb db=journal level=warn message="..."`). Warnings and errors
// only: RocksDB's info chatter (options dumps, compaction stats) is not
// operator material.
//
// Every RocksDB Kassa opens sets `options.info_log = rocksdb_info_log(name)`.
// Thread-safety: the logger may be called from any RocksDB thread.

#include <memory>
#include <string>

namespace rocksdb {
class Logger;
}

namespace kassa::log {

std::shared_ptr<rocksdb::Logger> rocksdb_info_log(std::string db_name);

}  // namespace kassa::log
