"""NumPy reference implementations of the TF ops the conformance models use,
written from TF's documented NHWC semantics (independent of nnport): the
oracle for models OpenCV dnn cannot read."""
import numpy as np


def same_pads(size, k, s, d=1):
    eff = (k - 1) * d + 1
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def pads2d(x_shape, k, strides, dil, padding):
    if padding == "VALID":
        return (0, 0), (0, 0)
    return (same_pads(x_shape[1], k[0], strides[0], dil[0]),
            same_pads(x_shape[2], k[1], strides[1], dil[1]))


def conv2d(x, w, strides=(1, 1), padding="SAME", dil=(1, 1)):
    """x NHWC, w HWIO; groups = C / I."""
    kh, kw, ci, co = w.shape
    groups = x.shape[3] // ci
    ph, pw = pads2d(x.shape, (kh, kw), strides, dil, padding)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    oh = (xp.shape[1] - ((kh - 1) * dil[0] + 1)) // strides[0] + 1
    ow = (xp.shape[2] - ((kw - 1) * dil[1] + 1)) // strides[1] + 1
    y = np.zeros((x.shape[0], oh, ow, co), np.float64)
    cog = co // groups
    for g in range(groups):
        for i in range(kh):
            for j in range(kw):
                r0, c0 = i * dil[0], j * dil[1]
                patch = xp[:, r0:r0 + strides[0] * (oh - 1) + 1:strides[0],
                           c0:c0 + strides[1] * (ow - 1) + 1:strides[1], g * ci:(g + 1) * ci]
                y[..., g * cog:(g + 1) * cog] += patch @ w[i, j, :, g * cog:(g + 1) * cog]
    return y


def depthwise(x, w, strides=(1, 1), padding="SAME", dil=(1, 1)):
    """w [kh, kw, C, m]; output channel c*m + j."""
    kh, kw, c, m = w.shape
    ph, pw = pads2d(x.shape, (kh, kw), strides, dil, padding)
    xp = np.pad(x, ((0, 0), ph, pw, (0, 0)))
    oh = (xp.shape[1] - ((kh - 1) * dil[0] + 1)) // strides[0] + 1
    ow = (xp.shape[2] - ((kw - 1) * dil[1] + 1)) // strides[1] + 1
    y = np.zeros((x.shape[0], oh, ow, c, m), np.float64)
    for i in range(kh):
        for j in range(kw):
            r0, c0 = i * dil[0], j * dil[1]
            patch = xp[:, r0:r0 + strides[0] * (oh - 1) + 1:strides[0],
                       c0:c0 + strides[1] * (ow - 1) + 1:strides[1], :]
            y += patch[..., None] * w[i, j]
    return y.reshape(x.shape[0], oh, ow, c * m)


def conv2d_backprop_input(out_size, w, dy, strides=(1, 1), padding="SAME"):
    """The gradient of conv2d(x of out_size, w) with respect to x: dy
    scattered through the forward windows. w [kh, kw, C_x, C_dy]."""
    n, h, wd, c = out_size
    kh, kw, _, _ = w.shape
    ph, pw = pads2d((n, h, wd, c), (kh, kw), strides, (1, 1), padding)
    xp = np.zeros((n, h + ph[0] + ph[1] + kh, wd + pw[0] + pw[1] + kw, c), np.float64)
    for oy in range(dy.shape[1]):
        for ox in range(dy.shape[2]):
            contrib = np.einsum("nd,ijcd->nijc", dy[:, oy, ox, :], w)
            xp[:, oy * strides[0]:oy * strides[0] + kh, ox * strides[1]:ox * strides[1] + kw] += contrib
    return xp[:, ph[0]:ph[0] + h, pw[0]:pw[0] + wd, :]


def pool(x, k, strides, padding, kind):
    ph, pw = pads2d(x.shape, k, strides, (1, 1), padding)
    fill = -np.inf if kind == "max" else np.nan
    xp = np.pad(x.astype(np.float64), ((0, 0), ph, pw, (0, 0)), constant_values=fill)
    oh = (xp.shape[1] - k[0]) // strides[0] + 1
    ow = (xp.shape[2] - k[1]) // strides[1] + 1
    y = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    for r in range(oh):
        for c in range(ow):
            win = xp[:, r * strides[0]:r * strides[0] + k[0], c * strides[1]:c * strides[1] + k[1], :]
            y[:, r, c, :] = win.max(axis=(1, 2)) if kind == "max" else np.nanmean(win, axis=(1, 2))
    return y


def batch_norm(x, scale, offset, mean, var, eps):
    return (x - mean) / np.sqrt(var + eps) * scale + offset


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _source(out_size, in_size, align, half):
    x = np.arange(out_size, dtype=np.float64)
    if align and out_size > 1:
        return x * (in_size - 1) / (out_size - 1)
    scale = in_size / out_size
    return (x + 0.5) * scale - 0.5 if half else x * scale


def resize_bilinear(x, size, align=False, half=False):
    out = x.astype(np.float64)
    for axis, (n_out, n_in) in ((1, (size[0], x.shape[1])), (2, (size[1], x.shape[2]))):
        src = _source(n_out, n_in, align, half)
        lo_f = np.floor(src)
        lerp = src - lo_f
        lo = np.clip(lo_f, 0, n_in - 1).astype(int)
        hi = np.clip(np.ceil(src), 0, n_in - 1).astype(int)
        a, b = np.take(out, lo, axis=axis), np.take(out, hi, axis=axis)
        shape = [1, 1, 1, 1]
        shape[axis] = n_out
        out = a + (b - a) * lerp.reshape(shape)
    return out


def resize_nearest(x, size, align=False, half=False):
    idx = []
    for n_out, n_in in ((size[0], x.shape[1]), (size[1], x.shape[2])):
        o = np.arange(n_out, dtype=np.float64)
        if align:
            scale = (n_in - 1) / (n_out - 1) if n_out > 1 else n_in / n_out
            i = np.floor(o * scale + 0.5)  # roundf of a non-negative value
        elif half:
            i = np.floor((o + 0.5) * (n_in / n_out))
        else:
            i = np.floor(o * (n_in / n_out))
        idx.append(np.clip(i, 0, n_in - 1).astype(int))
    return x[:, idx[0]][:, :, idx[1]]


def relu6(x):
    return np.clip(x, 0, 6)


def leaky_relu(x, alpha):
    return np.where(x > 0, x, alpha * x)


def elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))
