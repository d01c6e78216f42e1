//! Recorded responses replayed through the SDK: paging that the emulator never produces
//! (moto ignores MaxResults and returns one page) and Route53's by-name listings.

mod paging;
mod replay;
