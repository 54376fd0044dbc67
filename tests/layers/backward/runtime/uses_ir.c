/* Fixture for the layer check: the edge runtime depends on nothing. */
#include "ir/tensor.h"
