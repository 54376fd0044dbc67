// Fixture for the layer check: a parser that reaches into another format's
// folder and into the passes. Never compiled.
#include "parsers/caffe/caffe_parser.h"
#include "parsers/darknet/cfg_reader.h"
#include "parsers/registry.h"
#include "passes/pass_manager.h"
