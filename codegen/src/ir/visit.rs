//! The one traversal of the IR: which type references a type or an operation holds, read-only
//! and mutable. Every pass and emitter that walks references goes through here, and every
//! `match` below names each variant, so a new IR shape fails to compile here instead of being
//! skipped silently by some pass.

use super::{Operation, Struct, TypeId, TypeKind, TypeRef, VariantBody};

impl TypeRef {
    /// The named type behind any wrappers (`Vec<Option<Pet>>` reaches `Pet`), if there is one.
    /// A reference holds at most one, since every wrapper has exactly one inner type.
    pub fn named(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => inner.named(),
            TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean | TypeRef::Json | TypeRef::File | TypeRef::Bytes => {
                None
            }
        }
    }

    /// The type inside every wrapper: a named type, a primitive or a file.
    pub fn innermost(&self) -> &TypeRef {
        match self {
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => inner.innermost(),
            TypeRef::Named(_)
            | TypeRef::String
            | TypeRef::Integer
            | TypeRef::Number
            | TypeRef::Boolean
            | TypeRef::Json
            | TypeRef::File
            | TypeRef::Bytes => self,
        }
    }

    /// The same as [`TypeRef::named`], for renumbering.
    pub fn named_mut(&mut self) -> Option<&mut TypeId> {
        match self {
            TypeRef::Named(id) => Some(id),
            TypeRef::Vec(inner) | TypeRef::Map(inner) | TypeRef::Option(inner) | TypeRef::Box(inner) => inner.named_mut(),
            TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean | TypeRef::Json | TypeRef::File | TypeRef::Bytes => {
                None
            }
        }
    }

    /// The named type stored inside the value itself (behind nothing, or an `Option`), which
    /// makes the holder's size depend on it; `Vec`, maps and boxes store it elsewhere.
    pub fn by_value(&self) -> Option<TypeId> {
        match self {
            TypeRef::Named(id) => Some(*id),
            TypeRef::Option(inner) => inner.by_value(),
            TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Box(_) => None,
            TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean | TypeRef::Json | TypeRef::File | TypeRef::Bytes => {
                None
            }
        }
    }
}

impl Struct {
    /// The references of the struct's own fields and of its flattened union: what a value of
    /// the struct holds inline, as opposed to the values of its catch-all map.
    fn inline_refs(&self) -> impl Iterator<Item = &TypeRef> {
        self.fields.iter().map(|f| &f.ty).chain(self.flatten.as_ref().map(|f| &f.ty))
    }

    fn inline_refs_mut(&mut self) -> impl Iterator<Item = &mut TypeRef> {
        self.fields.iter_mut().map(|f| &mut f.ty).chain(self.flatten.as_mut().map(|f| &mut f.ty))
    }
}

impl TypeKind {
    /// Every type reference the kind holds directly, in declaration order.
    pub fn refs(&self) -> Vec<&TypeRef> {
        let mut out = self.inline_refs();
        if let TypeKind::Struct(s) = self {
            out.extend(s.extra.as_ref().map(|e| &e.value));
        }
        out
    }

    /// Every type reference the kind holds, mutably.
    pub fn refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => {
                let Struct { fields, extra, flatten, consts: _ } = s;
                let mut out: Vec<&mut TypeRef> = fields.iter_mut().map(|f| &mut f.ty).collect();
                out.extend(flatten.as_mut().map(|f| &mut f.ty));
                out.extend(extra.as_mut().map(|e| &mut e.value));
                out
            }
            other => other.inline_refs_mut(),
        }
    }

    /// The references a value of this kind stores inline: all of [`TypeKind::refs`] but the
    /// value type of a struct's catch-all map.
    pub fn inline_refs(&self) -> Vec<&TypeRef> {
        match self {
            TypeKind::Struct(s) => s.inline_refs().collect(),
            TypeKind::Union(u) => u.variants.iter().filter_map(|v| v.body.type_ref()).collect(),
            TypeKind::Alias(target) => vec![target],
            TypeKind::Params(p) => p.fields.iter().map(|q| &q.field.ty).collect(),
            TypeKind::Enum(_) | TypeKind::OpenString(_) | TypeKind::Const(_) => Vec::new(),
        }
    }

    /// The same as [`TypeKind::inline_refs`], mutably.
    pub fn inline_refs_mut(&mut self) -> Vec<&mut TypeRef> {
        match self {
            TypeKind::Struct(s) => s.inline_refs_mut().collect(),
            TypeKind::Union(u) => u.variants.iter_mut().filter_map(|v| v.body.type_ref_mut()).collect(),
            TypeKind::Alias(target) => vec![target],
            TypeKind::Params(p) => p.fields.iter_mut().map(|q| &mut q.field.ty).collect(),
            TypeKind::Enum(_) | TypeKind::OpenString(_) | TypeKind::Const(_) => Vec::new(),
        }
    }

    /// Every named type the kind refers to, behind any wrapper.
    pub fn named(&self) -> Vec<TypeId> {
        self.refs().into_iter().filter_map(TypeRef::named).collect()
    }
}

impl VariantBody {
    /// The type a variant holds; `None` for a literal.
    pub fn type_ref(&self) -> Option<&TypeRef> {
        match self {
            VariantBody::Type(ty) => Some(ty),
            VariantBody::Literal(_) => None,
        }
    }

    fn type_ref_mut(&mut self) -> Option<&mut TypeRef> {
        match self {
            VariantBody::Type(ty) => Some(ty),
            VariantBody::Literal(_) => None,
        }
    }
}

impl Operation {
    /// The types an operation's signature uses: its query struct, bodies, response and events.
    pub fn named(&self) -> Vec<TypeId> {
        let mut out: Vec<TypeId> = self.query.iter().map(|q| q.ty).collect();
        out.extend(self.refs().into_iter().filter_map(TypeRef::named));
        out
    }

    /// The references in the signature, besides the query struct: bodies, response, events.
    pub fn refs(&self) -> Vec<&TypeRef> {
        let bodies = self.body.iter().chain(&self.multipart_alternative).map(|b| &b.ty);
        bodies.chain(&self.response).chain(self.stream.as_ref().map(|s| &s.event)).collect()
    }

    /// Every type id in the signature, mutably, for renumbering.
    pub fn ids_mut(&mut self) -> Vec<&mut TypeId> {
        let Operation { query, body, multipart_alternative, response, stream, .. } = self;
        let mut out: Vec<&mut TypeId> = query.iter_mut().map(|q| &mut q.ty).collect();
        let refs = body.iter_mut().chain(multipart_alternative.iter_mut()).map(|b| &mut b.ty);
        let refs = refs.chain(response.iter_mut()).chain(stream.iter_mut().map(|s| &mut s.event));
        out.extend(refs.filter_map(TypeRef::named_mut));
        out
    }
}
