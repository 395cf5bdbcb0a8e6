// Device status codes: one list yields the enum and its strings, so they cannot drift.
#ifndef MOTE_STATUS_H
#define MOTE_STATUS_H

#define MOTE_STATUS_LIST(X)                                  \
  X(MOTE_OK, "ok")                                           \
  X(MOTE_ERR_ARG, "invalid argument")                        \
  X(MOTE_ERR_SHAPE, "shape mismatch")                        \
  X(MOTE_ERR_SCRATCH, "scratch buffer too small")            \
  X(MOTE_ERR_SIGNAL, "signal callback failed")               \
  X(MOTE_ERR_UNSUPPORTED, "unsupported configuration")

namespace mote {

enum Status {
#define MOTE_STATUS_ENUM(name, text) name,
  MOTE_STATUS_LIST(MOTE_STATUS_ENUM)
#undef MOTE_STATUS_ENUM
  MOTE_STATUS_COUNT
};

// Human-readable text of a status; never null.
const char* status_string(Status s);

}  // namespace mote

#define MOTE_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::mote::Status mote_status_ = (expr);     \
    if (mote_status_ != ::mote::MOTE_OK) {    \
      return mote_status_;                    \
    }                                         \
  } while (0)

#endif  // MOTE_STATUS_H
