# Fails when a source file includes a header of a layer it may not depend on.
#   cmake -DROOT=<source tree> -P cmake/check_layers.cmake
# The layers, bottom first (docs/architecture.md):
#   support                      depends on nothing
#   ir                           support
#   ir/onnx                      ir (the ONNX proto <-> IR code)
#   exec                         ir
#   passes                       exec
#   quantize                     passes
#   parsers/<format>             ir, ir/onnx and parsers/ itself (registry)
#   emitters/<format>            ir, ir/onnx and emitters/ itself (registry)
#   lib                          everything above except tools
#   tools                        lib and below
#   runtime                      nothing (the portable edge runtime)
# A format folder never includes another format's folder. Includes without
# a folder ("x.h", same directory) and system headers (<...>) are not checked;
# a quoted include from outside the layers (tests/...) is refused.
cmake_minimum_required(VERSION 3.20)
if(NOT ROOT)
  message(FATAL_ERROR "check_layers: give -DROOT=<source tree>")
endif()
file(REAL_PATH "${ROOT}" ROOT BASE_DIRECTORY "$ENV{PWD}")

set(below_support "")
set(below_ir support)
set(below_ir/onnx ir support)
set(below_exec ir support)
set(below_passes exec ir support)
set(below_quantize passes exec ir support)
set(below_parsers ir/onnx ir support)
set(below_emitters ir/onnx ir support)
set(below_lib quantize passes exec parsers emitters ir/onnx ir support)
set(below_tools lib quantize passes exec parsers emitters ir/onnx ir support)
set(below_runtime "")
set(layers support ir exec passes quantize parsers emitters lib tools runtime)

# The layer of a path relative to ROOT ("" when outside the layers); a file in
# a format folder of parsers/ or emitters/ also gets that folder in `folder`.
function(layer_of path out_layer out_folder)
  set(layer "")
  set(folder "")
  string(REGEX MATCH "^[^/]+" top "${path}")
  if(top IN_LIST layers)
    set(layer ${top})
    if(path MATCHES "^ir/onnx/")
      set(layer ir/onnx)
    elseif(path MATCHES "^(parsers|emitters)/([^/]+)/")
      set(folder ${CMAKE_MATCH_1}/${CMAKE_MATCH_2})
    endif()
  endif()
  set(${out_layer} "${layer}" PARENT_SCOPE)
  set(${out_folder} "${folder}" PARENT_SCOPE)
endfunction()

set(violations "")
set(checked 0)
foreach(layer ${layers})
  file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/${layer}/*.h ${ROOT}/${layer}/*.cpp
       ${ROOT}/${layer}/*.c)
  foreach(file ${files})
    math(EXPR checked "${checked} + 1")
    layer_of(${file} from from_folder)
    file(STRINGS ${ROOT}/${file} includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"[^\"]*/")
    foreach(line ${includes})
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*\"([^\"]*)\".*" "\\1" inc "${line}")
      layer_of(${inc} to to_folder)
      set(ok FALSE)
      if(to STREQUAL from)
        # Within a layer: a format folder sees only itself and the shared files.
        if(NOT from_folder OR NOT to_folder OR from_folder STREQUAL to_folder)
          set(ok TRUE)
        endif()
      elseif(to AND to IN_LIST below_${from})
        set(ok TRUE)
      endif()
      if(NOT ok)
        if(NOT to)
          set(to "outside the layers")
        endif()
        list(APPEND violations "${file} includes \"${inc}\" (${from} may not depend on ${to})")
      endif()
    endforeach()
  endforeach()
endforeach()

if(checked EQUAL 0)
  message(FATAL_ERROR "layer check: no sources under ${ROOT}")
endif()
if(violations)
  list(LENGTH violations count)
  string(REPLACE ";" "\n  " text "${violations}")
  message(FATAL_ERROR "layer check: ${count} include(s) against the layers "
                      "(docs/architecture.md):\n  ${text}")
endif()
