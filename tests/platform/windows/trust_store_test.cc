#include "platform/trust_store.hpp"

#include <gtest/gtest.h>
#include <openssl/x509.h>

namespace hvr {
namespace {

// Windows (and Wine, which fills its ROOT store from the host's roots) always trusts
// some roots; they all reach OpenSSL's store.
TEST(TrustStoreTest, TheSystemsRootsReachOpenSsl) {
  X509_STORE* store = X509_STORE_new();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(AddSystemTrustedCertificates(store).ok());
  EXPECT_GT(sk_X509_OBJECT_num(X509_STORE_get0_objects(store)), 0);
  X509_STORE_free(store);
}

}  // namespace
}  // namespace hvr
