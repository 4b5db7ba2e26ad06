# The native addon (native/*.mm), built only on macOS. Every setting here is explained in
# docs/native.md ("Building from source"). Off macOS the target is `type: none`: even a manual
# `node-gyp rebuild` compiles nothing.
{
  'variables': {
    'openssl_fips': '',
  },
  'targets': [
    {
      'target_name': 'security_framework',
      'conditions': [
        ['OS=="mac"', {
          'sources': [
            'native/addon.mm',
            'native/constants.mm',
            'native/errors.mm',
            'native/handles.mm',
            'native/la_context.mm',
            'native/marshal.mm',
            'native/sec_access_control.mm',
            'native/sec_certificate.mm',
            'native/sec_code.mm',
            'native/sec_identity.mm',
            'native/sec_keychain.mm',
            'native/sec_keychain_item_access.mm',
            'native/sec_pkcs12.mm',
            'native/sec_queue.mm',
            'native/sec_task.mm',
            'native/secitem.mm',
            'native/seckey.mm',
            'native/security_session.mm',
          ],
          'include_dirs': [
            "<!(node -p \"require('node-addon-api').include_dir\")",
          ],
          'defines': [
            'NAPI_VERSION=8',
            'NAPI_CPP_EXCEPTIONS',
            # An exception node-addon-api cannot throw because the environment is ending (a
            # worker terminated, a renderer reloaded) is dropped instead of ending the process.
            'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
            'NODE_ADDON_API_DISABLE_DEPRECATED',
            'NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED',
            '__ASSERT_MACROS_DEFINE_VERSIONS_WITHOUT_UNDERSCORES=0',
          ],
          'xcode_settings': {
            'MACOSX_DEPLOYMENT_TARGET': '11.0',
            'CLANG_CXX_LANGUAGE_STANDARD': 'c++20',
            'CLANG_CXX_LIBRARY': 'libc++',
            'CLANG_ENABLE_OBJC_ARC': 'YES',
            'GCC_ENABLE_CPP_EXCEPTIONS': 'YES',
            'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
            'GCC_THREADSAFE_STATICS': 'YES',
          },
          'link_settings': {
            'libraries': [
              '$(SDKROOT)/System/Library/Frameworks/CoreFoundation.framework',
              '$(SDKROOT)/System/Library/Frameworks/Foundation.framework',
              '$(SDKROOT)/System/Library/Frameworks/Security.framework',
              '$(SDKROOT)/System/Library/Frameworks/LocalAuthentication.framework',
            ],
          },
        }, {
          'type': 'none',
        }],
      ],
    },
  ],
}
