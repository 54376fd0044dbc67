"""NumPy references for the Caffe test models OpenCV 4.6 cannot run, written
from the layers' own definitions (BVLC Caffe's, and the forks' loops for
Interp, Upsample and the pooling mask), plus the top shapes of the fork
layers. Used by make_caffe_models.py.
"""
import numpy as np

# Models whose reference is computed here, and why OpenCV cannot give it.
NUMPY_REFERENCE = {
    "opencv_gaps": "OpenCV 4.6 has no Bias layer, ignores LRN's k and InnerProduct's transpose",
    "caffe_forks": "OpenCV 4.6's Caffe schema has no interp_param or upsample_param",
}


# ------------------------------------------------------------ fork layer shapes


def interp_size(p, h, w):
    """DeepLab's Interp output size, its rules in their order."""
    eh, ew = h + p.pad_beg + p.pad_end, w + p.pad_beg + p.pad_end
    shrink = lambda n, f: (n - 1) // f + 1  # noqa: E731
    zoom = lambda n, f: n + (n - 1) * (f - 1)  # noqa: E731
    has = p.HasField
    if has("shrink_factor") and not has("zoom_factor"):
        return shrink(eh, p.shrink_factor), shrink(ew, p.shrink_factor)
    if has("zoom_factor") and not has("shrink_factor"):
        return zoom(eh, p.zoom_factor), zoom(ew, p.zoom_factor)
    if has("height") and has("width"):
        return p.height, p.width
    return (zoom(shrink(eh, p.shrink_factor), p.zoom_factor),
            zoom(shrink(ew, p.shrink_factor), p.zoom_factor))


def upsample_scale(p):
    return (p.scale_h, p.scale_w) if p.HasField("scale_h") else (p.scale, p.scale)


def unpool_size(p, h, w):
    if p.HasField("upsample_h"):
        return p.upsample_h, p.upsample_w
    sh, sw = upsample_scale(p)
    return h * sh - int(p.pad_out_h), w * sw - int(p.pad_out_w)


def fork_top_shape(t, l, bs):
    """The top shape of an Interp or Upsample layer, or None for other types."""
    x = bs[0]
    if t == "Interp":
        return x[:2] + list(interp_size(l.interp_param, x[2], x[3]))
    if t == "Upsample" and len(bs) == 1:
        sh, sw = upsample_scale(l.upsample_param)
        return x[:2] + [x[2] * sh, x[3] * sw]
    if t == "Upsample":
        return x[:2] + list(unpool_size(l.upsample_param, x[2], x[3]))
    return None


# ------------------------------------------------------------ the forks' loops


def interp(x, p):
    """caffe_cpu_interp2 over the crop [-pad_beg, size + pad_end)."""
    n, c, h, w = x.shape
    b = -p.pad_beg
    src = x[:, :, b:h + p.pad_end, b:w + p.pad_end]
    h1, w1 = src.shape[2:]
    h2, w2 = interp_size(p, h, w)
    rh = np.float32(h1 - 1) / np.float32(h2 - 1) if h2 > 1 else np.float32(0)
    rw = np.float32(w1 - 1) / np.float32(w2 - 1) if w2 > 1 else np.float32(0)
    out = np.zeros((n, c, h2, w2), np.float64)
    for i in range(h2):
        hr = np.float32(rh * i)
        hi = int(hr)
        hp = 1 if hi < h1 - 1 else 0
        hl = float(hr - hi)
        for j in range(w2):
            wr = np.float32(rw * j)
            wi = int(wr)
            wp = 1 if wi < w1 - 1 else 0
            wl = float(wr - wi)
            out[:, :, i, j] = ((1 - hl) * ((1 - wl) * src[:, :, hi, wi] + wl * src[:, :, hi, wi + wp]) +
                               hl * ((1 - wl) * src[:, :, hi + hp, wi] + wl * src[:, :, hi + hp, wi + wp]))
    return out


def nearest_upsample(x, p):
    sh, sw = upsample_scale(p)
    return x.repeat(sh, axis=2).repeat(sw, axis=3)


def max_pool_with_mask(x, k, s):
    """Caffe's MAX pooling (no padding, ceil rounding) and its mask: the
    first maximum's index h * W + w inside the plane."""
    n, c, h, w = x.shape
    oh, ow = -(-(h - k) // s) + 1, -(-(w - k) // s) + 1
    y = np.full((n, c, oh, ow), -np.inf)
    mask = np.full((n, c, oh, ow), -1.0)
    for i in range(oh):
        for j in range(ow):
            for hh in range(i * s, min(i * s + k, h)):
                for ww in range(j * s, min(j * s + k, w)):
                    v = x[:, :, hh, ww]
                    better = v > y[:, :, i, j]
                    y[:, :, i, j] = np.where(better, v, y[:, :, i, j])
                    mask[:, :, i, j] = np.where(better, hh * w + ww, mask[:, :, i, j])
    return y, mask


def unpool(x, mask, p):
    """SegNet's Upsample: top[mask] = bottom inside each (n, c) plane."""
    n, c, h, w = x.shape
    oh, ow = unpool_size(p, h, w)
    out = np.zeros((n, c, oh * ow))
    for a in range(n):
        for b in range(c):
            out[a, b, mask[a, b].astype(np.int64).ravel()] = x[a, b].ravel()
    return out.reshape(n, c, oh, ow)


# ------------------------------------------------------------ per model


def opencv_gaps(x, w):
    sq = np.pad(x ** 2, ((0, 0), (1, 1), (0, 0), (0, 0)))
    window = sum(sq[:, i:i + x.shape[1]] for i in range(3))
    return {"bias": x + w["bias"][0].reshape(3, 1, 1), "bias_hw": x + w["bias_hw"][0],
            "lrn_k": x * (2 + 0.5 / 3 * window) ** -0.75,  # k + alpha / local_size * sum
            "ip_t": x.reshape(2, -1) @ w["ip_t"][0] + w["ip_t"][1]}  # transpose: the blob is [K, N]


def caffe_forks(x, layers):
    out = {name: interp(x, layers[name].interp_param) for name in
           ("interp_zoom", "interp_shrink", "interp_hw", "interp_crop", "interp_one")}
    for name in ("up_nearest", "up_nearest_hw"):
        out[name] = nearest_upsample(x, layers[name].upsample_param)
    y, mask = max_pool_with_mask(x, 2, 2)
    out["mask_copy"] = mask
    for name in ("unpool", "unpool_hw"):
        out[name] = unpool(y, mask, layers[name].upsample_param)
    return out


def numpy_reference(name, net, weights, inputs):
    """The outputs of model `name` by top name."""
    x = inputs["data"].astype(np.float64)
    if name == "opencv_gaps":
        w = {l.name: [np.array(b.data, np.float64).reshape(list(b.shape.dim)) for b in l.blobs]
             for l in weights.layer}
        return opencv_gaps(x, w)
    assert name == "caffe_forks"
    return caffe_forks(x, {l.name: l for l in net.layer})
