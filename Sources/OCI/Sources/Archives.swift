import Digest
import Foundation
import JSON

/// Blobs that are members of a plain tar archive, read in place.
public final class TarBlobStore: BlobStore {
    let tar: TarIndex
    let imageName: String
    /// Member name for each blob digest (docker-archives name layers `<id>/layer.tar`).
    var names: [Digest: String]

    init(tar: TarIndex, imageName: String, names: [Digest: String] = [:]) {
        self.tar = tar; self.imageName = imageName; self.names = names
    }

    func memberName(_ digest: Digest) -> String { names[digest] ?? "blobs/\(digest.algorithm)/\(digest.hex)" }

    public func exists(_ digest: Digest) -> Bool { tar.member(memberName(digest)) != nil }

    public func open(_ descriptor: Descriptor) throws -> ByteSource {
        let name = memberName(descriptor.digest)
        guard let m = tar.member(name) else { throw ImageError.missingBlob(image: imageName, digest: descriptor.digest.description) }
        if m.size != descriptor.size {
            throw BlobVerificationError.sizeMismatch(digest: descriptor.digest.description, declared: descriptor.size, actual: m.size)
        }
        return try FileRangeSource(path: tar.path, offset: m.offset, length: m.size)
    }
}

/// A tar of an OCI layout (`oci-archive:`).
public struct OCIArchive {
    public static func image(path: String, reference: String, tag: String?, digest: Digest?, platform: Platform?) throws -> Image {
        let tar = try TarIndex(path: path)
        guard let indexData = try tar.data("index.json") else { throw ImageError.notFound("\(path): not an oci-archive (no index.json)") }
        let json: JSON
        do { json = try JSON.parse(indexData) } catch { throw ImageError.malformed(context: "\(path): index.json", message: "\(error)") }
        let index = try ImageIndex(json: json, context: "\(path): index.json")
        let store = TarBlobStore(tar: tar, imageName: reference)
        let candidates = index.manifests.filter { !IndexResolution.isAttestation($0) }
        let top: Descriptor
        if let digest {
            guard let d = index.manifests.first(where: { $0.digest == digest }) else {
                throw ImageError.noMatchingManifest(image: reference, wanted: digest.description, available: index.manifests.map { $0.digest.description })
            }
            top = d
        } else if let tag {
            guard let d = candidates.first(where: { OCILayout.tagMatches($0.annotations["org.opencontainers.image.ref.name"], tag) }) else {
                throw ImageError.noMatchingManifest(image: reference, wanted: "tag '\(tag)'",
                                                    available: candidates.compactMap { $0.annotations["org.opencontainers.image.ref.name"] })
            }
            top = d
        } else if candidates.count == 1 {
            top = candidates[0]
        } else if candidates.isEmpty {
            throw ImageError.noMatchingManifest(image: reference, wanted: "an image", available: [])
        } else {
            throw ImageError.ambiguous(image: reference, available: candidates.map { $0.annotations["org.opencontainers.image.ref.name"] ?? $0.digest.short })
        }
        let resolution = IndexResolution(imageName: reference, store: store, platform: platform)
        let refName = top.annotations["org.opencontainers.image.ref.name"]
        let name = tag ?? refName ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try resolution.image(from: top, reference: reference, name: name, repository: nil, tag: tag ?? refName)
    }
}

/// A `docker save` archive: `manifest.json` listing config and layer members (legacy layout),
/// or, from Docker 25 on, an OCI layout inside the tar as well.
public struct DockerArchive {
    public static func image(path: String, reference: String, tag: String?, platform: Platform?) throws -> Image {
        let tar = try TarIndex(path: path)
        guard let manifestData = try tar.data("manifest.json") else {
            if tar.member("index.json") != nil {
                return try OCIArchive.image(path: path, reference: reference, tag: tag, digest: nil, platform: platform)
            }
            throw ImageError.notFound("\(path): not a docker-archive (no manifest.json)")
        }
        let json: JSON
        do { json = try JSON.parse(manifestData) } catch { throw ImageError.malformed(context: "\(path): manifest.json", message: "\(error)") }
        guard let entries = json.array, !entries.isEmpty else {
            throw ImageError.malformed(context: "\(path): manifest.json", message: "expected a non-empty array")
        }
        var chosen = entries[0]
        var chosenTag: String? = entries[0].array("RepoTags").first?.string
        if let tag {
            guard let hit = entries.first(where: { e in e.array("RepoTags").contains { t in
                guard let s = t.string else { return false }
                return s == tag || s.hasSuffix(":" + tag) || s.hasSuffix("/" + tag) || s.split(separator: ":").first.map(String.init) == tag
            } }) else {
                throw ImageError.noMatchingManifest(image: reference, wanted: "tag '\(tag)'",
                                                    available: entries.flatMap { $0.array("RepoTags").compactMap(\.string) })
            }
            chosen = hit
            chosenTag = hit.array("RepoTags").compactMap(\.string).first { $0.hasSuffix(tag) } ?? tag
        } else if entries.count > 1 {
            throw ImageError.ambiguous(image: reference, available: entries.flatMap { $0.array("RepoTags").compactMap(\.string) })
        }
        guard let configName = chosen.string("Config"), let configMember = tar.member(configName) else {
            throw ImageError.malformed(context: "\(path): manifest.json", message: "Config member is missing")
        }
        guard configMember.size <= 64 << 20, let configData = try tar.data(configName) else {
            throw ImageError.malformed(context: "\(path): \(configName)", message: "config is too large")
        }
        let configDigest = Digest(sha256Of: configData)
        if let named = Digest("sha256:" + URL(fileURLWithPath: configName).deletingPathExtension().lastPathComponent), named != configDigest {
            throw BlobVerificationError.digestMismatch(declared: named.description, actual: configDigest.description)
        }
        let configJSON: JSON
        do { configJSON = try JSON.parse(configData) } catch { throw ImageError.malformed(context: "\(path): \(configName)", message: "\(error)") }
        let config = ImageConfig(json: configJSON)
        let layerNames = chosen.array("Layers").compactMap(\.string)
        guard layerNames.count == config.diffIDs.count else {
            throw ImageError.malformed(context: "\(path): manifest.json",
                                       message: "\(layerNames.count) layers listed but the config has \(config.diffIDs.count) diff_ids")
        }
        // Legacy archives hold uncompressed layer tars whose digest is the diff_id.
        var names: [Digest: String] = [:]
        var layers: [Descriptor] = []
        for (i, name) in layerNames.enumerated() {
            guard let m = tar.member(name) else { throw ImageError.missingBlob(image: reference, digest: "layer \(i + 1) (\(name))") }
            guard let diffID = Digest(config.diffIDs[i]) else {
                throw ImageError.malformed(context: "\(path): \(configName)", message: "invalid diff_id '\(config.diffIDs[i])'")
            }
            names[diffID] = name
            layers.append(Descriptor(mediaType: MediaType.ociLayerTar, digest: diffID, size: m.size))
        }
        names[configDigest] = configName
        let store = TarBlobStore(tar: tar, imageName: reference, names: names)
        var manifestJSON: JSONObject = ["schemaVersion": 2, "mediaType": .string(MediaType.ociManifest)]
        manifestJSON["config"] = Descriptor(mediaType: MediaType.ociConfig, digest: configDigest, size: Int64(configData.count)).json
        manifestJSON["layers"] = .array(layers.map(\.json))
        let manifest = try Manifest(json: .object(manifestJSON), context: reference)
        var repository: String?
        var displayTag: String?
        if let t = chosenTag, let colon = t.lastIndex(of: ":"), !t[colon...].contains("/") {
            repository = String(t[..<colon]); displayTag = String(t[t.index(after: colon)...])
        }
        let name = chosenTag ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return Image(reference: reference, name: name, repository: repository, tag: displayTag, manifestDigest: nil,
                     manifestDescriptor: nil, manifest: manifest, config: config, configDigest: configDigest, store: store, index: nil)
    }
}
