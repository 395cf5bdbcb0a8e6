// mote's generated model (mote_model.{h,cpp} from `mote deploy`, tables or if-else): copy the codes in,
// invoke(), argmax over the int8 votes (the first maximum, as emlearn).
#include <string.h>

#include "mote_model.h"

void prepare(const int8_t* x) { memcpy(mote_model::input(), x, mote_model::kInputSize); }

int run() {
  mote_model::invoke();
  const int8_t* o = mote_model::output();
  int best = 0;
  for (int k = 1; k < mote_model::kOutputSize; ++k)
    if (o[k] > o[best]) best = k;
  return best;
}
