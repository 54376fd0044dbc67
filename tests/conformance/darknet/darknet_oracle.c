/* Reference outputs from the real Darknet (Debian's libdarknet).
 *
 *   darknet_oracle NET.cfg OUT.weights INPUT.bin OUTDIR SEED
 *
 * Builds the network from NET.cfg, gives every learnable parameter a random
 * value (batch-norm statistics included), saves OUT.weights with Darknet's
 * own writer, then loads the network again from the cfg and that file (so
 * the outputs come from what the file holds, read by Darknet's own reader),
 * runs INPUT.bin (float32, C*H*W) through it and writes every layer's output
 * as OUTDIR/layer_<i>.bin plus OUTDIR/layers.txt ("i type c h w" per line).
 * With SEED "-", OUT.weights is an existing file, only loaded and run.
 * Compiled at test time against /usr/lib/darknet (see run_darknet.sh). */
#include <darknet.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float uniform(float lo, float hi) {
  return lo + (hi - lo) * (float)rand() / (float)RAND_MAX;
}

static void fill_uniform(float* x, int n, float lo, float hi) {
  for (int i = 0; i < n; ++i) x[i] = uniform(lo, hi);
}

/* Batch-norm parameters that stay close to identity so deep nets keep their scale. */
static void randomize_bn(layer* l, int n) {
  fill_uniform(l->scales, n, 0.5f, 1.5f);
  fill_uniform(l->rolling_mean, n, -0.3f, 0.3f);
  fill_uniform(l->rolling_variance, n, 0.5f, 2.0f);
}

static void randomize_layer(layer* l) {
  if (l->type == CONVOLUTIONAL || l->type == CONNECTED) {
    int nout = l->type == CONVOLUTIONAL ? l->n : l->outputs;
    int fan_in = l->nweights / nout;
    float a = sqrtf(3.0f / (float)fan_in);
    fill_uniform(l->weights, l->nweights, -a, a);
    fill_uniform(l->biases, nout, -0.2f, 0.2f);
    if (l->batch_normalize) randomize_bn(l, nout);
  } else if (l->type == BATCHNORM) {
    randomize_bn(l, l->c);
  }
}

static int write_floats(const char* path, const float* x, size_t n) {
  FILE* f = fopen(path, "wb");
  if (!f) return 0;
  size_t w = fwrite(x, sizeof(float), n, f);
  fclose(f);
  return w == n;
}

int main(int argc, char** argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s NET.cfg OUT.weights INPUT.bin OUTDIR SEED\n", argv[0]);
    return 2;
  }
  network* net;
  if (strcmp(argv[5], "-") != 0) {
    srand((unsigned)atoi(argv[5]));
    net = parse_network_cfg(argv[1]);
    for (int i = 0; i < net->n; ++i) randomize_layer(&net->layers[i]);
    save_weights(net, argv[2]);
    free_network(net);
  }
  net = load_network(argv[1], argv[2], 0);
  set_batch_network(net, 1);
  /* libdarknet's standalone batchnorm copies its output to a buffer it only
     allocates for training; give it one so inference does not crash. */
  for (int i = 0; i < net->n; ++i) {
    layer* l = &net->layers[i];
    if (l->type == BATCHNORM && !l->x) l->x = calloc((size_t)l->outputs, sizeof(float));
  }
  float* input = calloc((size_t)net->inputs, sizeof(float));
  FILE* f = fopen(argv[3], "rb");
  if (!f || fread(input, sizeof(float), (size_t)net->inputs, f) != (size_t)net->inputs) {
    fprintf(stderr, "%s: cannot read %d floats\n", argv[3], net->inputs);
    return 1;
  }
  fclose(f);
  network_predict(net, input);

  char path[4096];
  snprintf(path, sizeof path, "%s/layers.txt", argv[4]);
  FILE* index = fopen(path, "w");
  if (!index) return 1;
  for (int i = 0; i < net->n; ++i) {
    layer* l = &net->layers[i];
    fprintf(index, "%d %d %d %d %d\n", i, (int)l->type, l->out_c, l->out_h, l->out_w);
    if (!l->output || l->outputs == 0) continue;
    snprintf(path, sizeof path, "%s/layer_%d.bin", argv[4], i);
    if (!write_floats(path, l->output, (size_t)l->outputs)) return 1;
  }
  fclose(index);
  free(input);
  free_network(net);
  return 0;
}
