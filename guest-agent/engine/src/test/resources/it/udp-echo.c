/* A UDP echo server for NetworkIT: busybox has no UDP server, so the test builds this one statically and
 * copies it into a busybox container. Usage: udp-echo PORT */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        return 2;
    }
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[1])), .sin_addr.s_addr = INADDR_ANY};
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
        return 1;
    }
    for (;;) {
        char buf[65536];
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(s, buf, sizeof buf, 0, (struct sockaddr *)&from, &len);
        if (n >= 0) {
            sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
        }
    }
}
