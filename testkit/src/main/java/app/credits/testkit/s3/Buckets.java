package app.credits.testkit.s3;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stand-in's buckets, kept in files under one directory (an export of a long log is tens of megabytes): an
 * object becomes visible whole, when its multipart upload completes, never before; an aborted upload leaves nothing.
 */
final class Buckets {
    /** S3's minimum size of every part but the last. */
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An upload in progress: where its parts are, and what the object will say about itself. */
    private record Upload(String bucket, String key, Optional<String> contentType, Optional<String> contentDisposition,
                          Map<Integer, Part> parts) {
    }

    private record Part(Path file, long size, String etag, byte[] md5) {
    }

    private final Path dir;
    /** A visible object and the file that holds its bytes. */
    private record Stored(S3StandIn.StoredObject object, Path file) {
    }

    private final Map<String, Map<String, Stored>> objects = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();

    Buckets(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    synchronized void create(String bucket) {
        objects.putIfAbsent(bucket, new TreeMap<>());
    }

    boolean exists(String bucket) {
        return objects.containsKey(bucket);
    }

    synchronized String startUpload(String bucket, String key, Optional<String> contentType, Optional<String> contentDisposition) {
        String uploadId = random(24);
        uploads.put(uploadId, new Upload(bucket, key, contentType, contentDisposition, new TreeMap<>()));
        return uploadId;
    }

    /** Stores one part (a repeat of a part number replaces it, as in S3); returns its ETag. */
    synchronized String putPart(String bucket, String key, String uploadId, int partNumber, byte[] bytes) {
        Upload upload = upload(bucket, key, uploadId);
        Path file = dir.resolve("part-" + uploadId + "-" + partNumber);
        write(file, bytes);
        byte[] md5 = SigV4.digest("MD5").digest(bytes);
        String etag = "\"" + HexFormat.of().formatHex(md5) + "\"";
        upload.parts().put(partNumber, new Part(file, bytes.length, etag, md5));
        return etag;
    }

    /**
     * Joins the listed parts (ascending part numbers, each ETag matching, every part but the last at least 5 MiB)
     * into the object, which replaces any object of that key; the upload ends.
     */
    synchronized S3StandIn.StoredObject complete(String bucket, String key, String uploadId, List<Map.Entry<Integer, String>> listed,
                                                 Instant now) {
        Upload upload = upload(bucket, key, uploadId);
        if (listed.isEmpty()) {
            throw Xml.malformed();
        }
        int previous = 0;
        for (Map.Entry<Integer, String> listedPart : listed) {
            if (listedPart.getKey() <= previous) {
                throw S3Error.of(400, "InvalidPartOrder", "The list of parts was not in ascending order. The parts list"
                        + " must be specified in order by part number.").with("UploadId", uploadId);
            }
            previous = listedPart.getKey();
        }
        MessageDigest md5s = SigV4.digest("MD5");
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < listed.size(); i++) {
            int number = listed.get(i).getKey();
            Part part = upload.parts().get(number);
            if (part == null || !part.etag().equals(quoted(listed.get(i).getValue()))) {
                throw S3Error.of(400, "InvalidPart", "One or more of the specified parts could not be found. The part may"
                        + " not have been uploaded, or the specified entity tag may not match the part's entity tag.")
                        .with("UploadId", uploadId).with("PartNumber", String.valueOf(number))
                        .with("ETag", listed.get(i).getValue());
            }
            if (i < listed.size() - 1 && part.size() < MIN_PART_SIZE) {
                throw S3Error.of(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size")
                        .with("ProposedSize", String.valueOf(part.size())).with("MinSizeAllowed", String.valueOf(MIN_PART_SIZE))
                        .with("PartNumber", String.valueOf(number)).with("ETag", part.etag());
            }
            parts.add(part);
            md5s.update(part.md5());
        }
        Path file = dir.resolve("object-" + random(16));
        long size = 0;
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
            for (Part part : parts) {
                size += Files.copy(part.file(), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String etag = "\"" + HexFormat.of().formatHex(md5s.digest()) + "-" + parts.size() + "\"";
        S3StandIn.StoredObject object = new S3StandIn.StoredObject(bucket, key, size, etag,
                upload.contentType().orElse("binary/octet-stream"), upload.contentDisposition(), now);
        Stored replaced = objects.get(bucket).put(key, new Stored(object, file));
        if (replaced != null) {
            delete(replaced.file());
        }
        forget(uploadId);
        return object;
    }

    synchronized void abort(String bucket, String key, String uploadId) {
        upload(bucket, key, uploadId);
        forget(uploadId);
    }

    synchronized Optional<S3StandIn.StoredObject> object(String bucket, String key) {
        return Optional.ofNullable(objects.getOrDefault(bucket, Map.of()).get(key)).map(Stored::object);
    }

    synchronized List<S3StandIn.StoredObject> objects(String bucket) {
        return objects.getOrDefault(bucket, Map.of()).values().stream().map(Stored::object).toList();
    }

    synchronized List<String> uploadsInProgress(String bucket) {
        return uploads.values().stream().filter(u -> u.bucket().equals(bucket)).map(Upload::key).sorted().toList();
    }

    /** The object's bytes as they are now (a later upload of the key does not change what is being read). */
    synchronized Optional<InputStream> open(String bucket, String key) {
        Stored stored = objects.getOrDefault(bucket, Map.of()).get(key);
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.newInputStream(stored.file()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes every object, upload and file (the buckets stay). */
    synchronized void clear() {
        List.copyOf(uploads.keySet()).forEach(this::forget);
        objects.values().forEach(keys -> keys.values().forEach(stored -> delete(stored.file())));
        objects.replaceAll((bucket, keys) -> new TreeMap<>());
    }

    synchronized void close() {
        clear();
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(Buckets::delete);
        } catch (IOException e) {
            // a temporary directory: nothing to report
        }
    }

    private Upload upload(String bucket, String key, String uploadId) {
        Upload upload = uploads.get(uploadId);
        if (upload == null || !upload.bucket().equals(bucket) || !upload.key().equals(key)) {
            throw S3Error.noSuchUpload(uploadId);
        }
        return upload;
    }

    private void forget(String uploadId) {
        Upload upload = uploads.remove(uploadId);
        if (upload != null) {
            upload.parts().values().forEach(p -> delete(p.file()));
        }
    }

    private static String quoted(String etag) {
        return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            if (file != null) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
