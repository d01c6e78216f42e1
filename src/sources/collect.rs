//! Discovery and collection over the source traits.
