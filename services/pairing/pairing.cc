// The pairing service is defined in pairing.h (it only follows the
// registry's schools; no reactions).
#include "services/pairing/pairing.h"
