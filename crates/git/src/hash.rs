//! Object ids computed here, with a SHA-1 that uses the processor's SHA instructions.
//!
//! libgit2 checks each object it reads against its id with SHA-1DC, the collision-detecting SHA-1
//! git uses. Over a long history that is most of the cost of reading objects (about a tenth of an
//! `--all-history` run on a real repository). History mode therefore turns libgit2's check off and
//! checks every commit, tree and blob it reads here instead, so an edited object is still an error.
//! What is given up is the detection of a deliberately crafted SHA-1 collision: git refuses such
//! objects when they are fetched or committed, so they do not reach a repository git wrote.

use git2::{ObjectType, Oid};
use sha1::{Digest, Sha1};

/// The id git gives an object of this type and content.
pub(crate) fn object_id(kind: ObjectType, data: &[u8]) -> Oid {
    let mut h = Sha1::new();
    h.update(kind.str().as_bytes());
    h.update(b" ");
    h.update(data.len().to_string().as_bytes());
    h.update(b"\0");
    h.update(data);
    let digest: [u8; 20] = h.finalize().into();
    Oid::from_bytes(&digest).unwrap_or(Oid::ZERO_SHA1)
}

/// An error unless `data` is the content of the object `oid` of this type.
pub(crate) fn verify(oid: Oid, kind: ObjectType, data: &[u8]) -> Result<(), String> {
    let actual = object_id(kind, data);
    if actual == oid {
        Ok(())
    } else {
        Err(format!(
            "object hash mismatch: its content hashes to {actual}, not to its id"
        ))
    }
}

/// Read an object whole and check it against its id; an object of another type is an error.
pub(crate) fn read_verified<'o>(
    odb: &'o git2::Odb<'_>,
    oid: Oid,
    kind: ObjectType,
) -> Result<git2::OdbObject<'o>, String> {
    let obj = odb.read(oid).map_err(|e| e.message().to_string())?;
    if obj.kind() != kind {
        return Err(format!("not a {} object", kind.str()));
    }
    verify(oid, kind, obj.data())?;
    Ok(obj)
}

/// `read_verified`, from the packs this process reads itself when the object is there (see
/// `pack`), else from libgit2; the content is shared, not copied. An object the packs give that
/// does not hash to its id is read again by libgit2, whose answer (or error) stands.
pub(crate) fn read_shared(
    packs: &crate::pack::Packs,
    odb: &git2::Odb<'_>,
    oid: Oid,
    kind: ObjectType,
) -> Result<crate::pack::Bytes, String> {
    if let Some((k, data)) = packs.read(oid)
        && k == kind
        && verify(oid, kind, &data).is_ok()
    {
        return Ok(data);
    }
    read_verified(odb, oid, kind).map(|o| std::sync::Arc::new(o.data().to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_libgit2() {
        for data in [&b""[..], b"hello\n", &[0u8; 70_000][..]] {
            for kind in [ObjectType::Blob, ObjectType::Tree, ObjectType::Commit] {
                assert_eq!(object_id(kind, data), Oid::hash_object(kind, data).unwrap());
            }
        }
    }

    #[test]
    fn a_changed_byte_is_a_mismatch() {
        let oid = Oid::hash_object(ObjectType::Blob, b"legal_basis: contract\n").unwrap();
        assert!(verify(oid, ObjectType::Blob, b"legal_basis: contract\n").is_ok());
        let e = verify(oid, ObjectType::Blob, b"legal_basis: contrast\n").unwrap_err();
        assert!(e.contains("hash mismatch"), "{e}");
    }
}
