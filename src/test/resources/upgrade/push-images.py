import base64, hashlib, json, os, sys, urllib.request, gzip, io
U = sys.argv[1]; PW = open(sys.argv[2]).read().strip()
AUTH = "Basic " + base64.b64encode(("admin:" + PW).encode()).decode()
def req(method, url, data=None, headers=None):
    r = urllib.request.Request(url if url.startswith("http") else U + url, data=data, method=method)
    r.add_header("Authorization", AUTH)
    for k, v in (headers or {}).items(): r.add_header(k, v)
    try:
        with urllib.request.urlopen(r) as resp: return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as e: return e.code, dict(e.headers), e.read()
def blob(repo, data):
    d = "sha256:" + hashlib.sha256(data).hexdigest()
    s, h, b = req("POST", f"/v2/{repo}/blobs/uploads/?digest={d}", data, {"Content-Type": "application/octet-stream"})
    assert s == 201, (s, b)
    return {"digest": d, "size": len(data)}
def manifest(repo, ref, obj, mt):
    data = json.dumps(obj, separators=(",", ":")).encode()
    s, h, b = req("PUT", f"/v2/{repo}/manifests/{ref}", data, {"Content-Type": mt})
    assert s == 201, (s, b)
    return {"mediaType": mt, "digest": "sha256:" + hashlib.sha256(data).hexdigest(), "size": len(data)}
def layer(seed, n):
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as g: g.write(hashlib.sha256(seed.encode()).digest() * (n // 32))
    return buf.getvalue()
OCI_M = "application/vnd.oci.image.manifest.v1+json"; OCI_I = "application/vnd.oci.image.index.v1+json"
CFG = "application/vnd.oci.image.config.v1+json"; LAY = "application/vnd.oci.image.layer.v1.tar+gzip"
shared = layer("shared", 300_000)
def image(repo, ref, arch, extra):
    cfg = json.dumps({"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
    c = blob(repo, cfg); l1 = blob(repo, shared); l2 = blob(repo, layer(extra, 100_000))
    return manifest(repo, ref, {"schemaVersion": 2, "mediaType": OCI_M, "config": dict(c, mediaType=CFG),
        "layers": [dict(l1, mediaType=LAY), dict(l2, mediaType=LAY)]}, OCI_M)
one = image("team/app", "1.0", "amd64", "app-1.0")
a = image("team/app", "sha256:placeholder" if False else "amd64-tmp", "amd64", "multi-amd64")
b = image("team/app", "arm64-tmp", "arm64", "multi-arm64")
idx = manifest("team/app", "multi", {"schemaVersion": 2, "mediaType": OCI_I, "manifests": [
    dict(a, platform={"architecture": "amd64", "os": "linux"}), dict(b, platform={"architecture": "arm64", "os": "linux"})]}, OCI_I)
# a docker schema 2 image sharing the layer, in another namespace
D_M = "application/vnd.docker.distribution.manifest.v2+json"
cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}).encode()
c = blob("library/base", cfg); l1 = blob("library/base", shared)
manifest("library/base", "latest", {"schemaVersion": 2, "mediaType": D_M,
    "config": dict(c, mediaType="application/vnd.docker.container.image.v1+json"),
    "layers": [dict(l1, mediaType="application/vnd.docker.image.rootfs.diff.tar.gzip")]}, D_M)
# a signature-like referrer of team/app:1.0
empty = blob("team/app", b"{}")
sig = blob("team/app", b"signature-bytes")
manifest("team/app", "sha256-referrer", {"schemaVersion": 2, "mediaType": OCI_M, "artifactType": "application/vnd.example.signature",
    "config": dict(empty, mediaType="application/vnd.oci.empty.v1+json"), "layers": [dict(sig, mediaType="application/octet-stream")],
    "subject": one}, OCI_M)
# a token, so that a signing key exists
s, h, b = req("GET", "/auth/token?service=stowage&scope=repository:team/app:pull")
assert s == 200, (s, b)
print("pushed; token issued")
