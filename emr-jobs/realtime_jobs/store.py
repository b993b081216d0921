"""Where the job keeps its per-batch partials, its folded state and the live view: a local folder
(the twin; files appear whole, by rename) or s3:// through Hadoop's FileSystem (EMR; an S3 PUT is
whole by nature). Both are idempotent by key: writing a batch id again replaces the same file."""
import json
import os
import tempfile

from .contract import LAKE


def _dump(document):
    return json.dumps(document, separators=(",", ":"))


class LocalStore:
    def __init__(self, root):
        self.root = root

    def _path(self, key):
        return os.path.join(self.root, key)

    def put(self, key, document):
        path = self._path(key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, partial = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
        with os.fdopen(fd, "w") as out:
            out.write(_dump(document))
        os.replace(partial, path)

    def get(self, key):
        try:
            with open(self._path(key)) as source:
                return json.load(source)
        except FileNotFoundError:
            return None

    def keys(self, prefix):
        folder = self._path(prefix)
        names = os.listdir(folder) if os.path.isdir(folder) else []
        return [prefix + n for n in names if not n.startswith(".")]

    def delete(self, key):
        try:
            os.remove(self._path(key))
        except FileNotFoundError:
            pass


class HadoopStore:
    """s3:// (EMRFS / S3A) keys through the JVM's Hadoop FileSystem, which the Spark session configures."""

    def __init__(self, spark, root):
        self.root = root.rstrip("/")
        self.jvm = spark.sparkContext._jvm
        self.conf = spark.sparkContext._jsc.hadoopConfiguration()

    def _fs(self, key):
        path = self.jvm.org.apache.hadoop.fs.Path(self.root + "/" + key)
        return path, path.getFileSystem(self.conf)

    def put(self, key, document):
        path, fs = self._fs(key)
        out = fs.create(path, True)
        try:
            out.write(bytearray(_dump(document).encode("utf-8")))
        finally:
            out.close()

    def get(self, key):
        path, fs = self._fs(key)
        if not fs.exists(path):
            return None
        stream = fs.open(path)
        try:
            return json.loads(self.jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8"))
        finally:
            stream.close()

    def keys(self, prefix):
        path, fs = self._fs(prefix)
        if not fs.exists(path):
            return []
        return [prefix + status.getPath().getName() for status in fs.listStatus(path)]

    def delete(self, key):
        path, fs = self._fs(key)
        fs.delete(path, False)


def open_store(spark, root):
    return HadoopStore(spark, root) if "://" in root and not root.startswith("file://") else LocalStore(root.replace("file://", ""))


def batch_key(batch_id):
    return "%s%012d.json" % (LAKE["batchesPrefix"], batch_id)


def batch_ids(store):
    ids = []
    for key in store.keys(LAKE["batchesPrefix"]):
        name = key.rsplit("/", 1)[-1]
        if name.endswith(".json") and name[:-5].isdigit():
            ids.append(int(name[:-5]))
    return sorted(ids)
