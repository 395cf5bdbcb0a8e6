#!/usr/bin/python3
# Shrinks the browser test's screenshots (build/web-screenshots) into the small PNGs docs/studio.md shows.
# Usage: /usr/bin/python3 tests/web/docs_shots.py build/web-screenshots docs/studio [NAME...] (only those docs PNGs)
import sys, os, cv2

PAGES = {'1-dashboard': 'dashboard', '8-data-dropped-cropped': 'data', 'd1-impulse': 'impulse', '3-features': 'features',
         '4-training': 'training', '9-anomaly': 'anomaly', '6-testing': 'testing', '10-live': 'live', '11-deploy': 'deploy',
         'd2-preview-audio': 'preview-audio', 'd3-tuner': 'tuner', 'd1-impulse-phone': 'impulse-phone', 'd3-tuner-phone': 'tuner-phone',
         'w1-explorer-lasso': 'explorer-lasso', 'w2-suggestions': 'suggestions', 'w3-versions': 'versions', 'w4-deploy-board': 'deploy-board',
         'w1-explorer-phone': 'explorer-phone', 'w3-versions-phone': 'versions-phone', 'w4-deploy-phone': 'deploy-phone',
         'b1-live-wasm': 'live-wasm', 'b1-live-wasm-phone': 'live-wasm-phone', 'b2-live-mic': 'live-mic',
         'd4-preview-image': 'preview-image'}
# web_studio writes the first screenshots, web_design (design_test.mjs) the d* ones, web_workflow the w* ones,
# web_wasm the b* ones.
src, dst, only = sys.argv[1], sys.argv[2], set(sys.argv[3:])
os.makedirs(dst, exist_ok=True)
for name, out in PAGES.items():
    if only and out not in only:
        continue
    img = cv2.imread(os.path.join(src, name + '.png'))
    if img is None:
        sys.exit(f'{src}/{name}.png: missing; run ctest -R web_ first')
    phone = out.endswith('-phone')  # 390 px wide already: kept at full size, its top only
    img = img[:1600 if phone else 2000 if out in ('deploy', 'live', 'impulse', 'preview-audio', 'preview-image', 'explorer-lasso', 'suggestions', 'versions', 'deploy-board', 'live-wasm', 'live-mic') else 1400]  # the top of long pages is what the docs need
    small = img if phone else cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=cv2.INTER_AREA)
    cv2.imwrite(os.path.join(dst, out + '.png'), small, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    print(f'{dst}/{out}.png {os.path.getsize(os.path.join(dst, out + ".png")) // 1024} KiB')
